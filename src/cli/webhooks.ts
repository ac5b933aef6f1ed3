import type { Command } from 'commander';
import type { ZodError } from 'zod';
import type { Deps } from '../deps.ts';
import { GraphError } from '../http/errors.ts';
import { findProject, findProjectPhoneNumber } from '../tenants/store.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { createWebhook } from '../webhooks/create-webhook.ts';
import { listWebhooks } from '../webhooks/list-webhooks.ts';
import { type WebhookObject, webhookCreateFields, webhookUpdateFields } from '../webhooks/schemas.ts';
import { PRIVATE_URL_HINT } from '../webhooks/settings.ts';
import { removeTargetWebhook } from '../webhooks/target.ts';
import { changeWebhook } from '../webhooks/update-webhook.ts';
import { output, withDeps } from './context.ts';
import { registerWebhookDeliveryCommands } from './webhook-deliveries.ts';

interface AddOptions {
  project: string;
  phoneNumberId?: string;
  url: string;
  events?: string;
  kind?: string;
  secret?: string;
  header: string[];
  buffer?: boolean;
  bufferWindow?: number;
  maxBuffer?: number;
  inactivityMinutes?: number;
  json?: boolean;
}

interface TargetOptions {
  project: string;
  id: string;
  json?: boolean;
}


/**
 * `switchboard webhooks add|list|remove|resume`: the subscription API of the Platform routes for
 * operators, with the same validation (webhooks/schemas.ts and settings.ts), one subcommand each.
 */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('manage webhook subscriptions (events delivered to your URLs)');
  registerAdd(webhooks);
  registerList(webhooks);
  registerRemove(webhooks);
  registerResume(webhooks);
  registerWebhookDeliveryCommands(webhooks);
}

function registerAdd(webhooks: Command): void {
  webhooks
    .command('add')
    .description('subscribe a URL to a phone number’s events (or, without --phone-number-id, to project events)')
    .requiredOption('--project <id>', 'project id')
    .option('--phone-number-id <id>', "one of the project's phone numbers (message and conversation events)")
    .requiredOption('--url <url>', 'where deliveries are POSTed')
    .option('--events <names>', 'comma-separated event names, e.g. whatsapp.message.received,whatsapp.message.sent')
    .option('--kind <kind>', "'kapso' (default) or 'meta' (raw Meta payloads, one per number)")
    .option('--secret <secret>', 'signing secret, at least 16 characters (default: generated)')
    .option('--header <name=value>', 'extra header on every delivery (repeatable)', collect, [])
    .option('--buffer', 'batch whatsapp.message.received per conversation')
    .option('--buffer-window <seconds>', 'buffer window, 1–60 (default 5)', Number)
    .option('--max-buffer <n>', 'largest batch, 1–100 (default 50)', Number)
    .option('--inactivity-minutes <n>', 'quiet minutes before whatsapp.conversation.inactive, 1–1440 (default 60)', Number)
    .option('--json', 'print one JSON object')
    .action(async (o: AddOptions) =>
      reportFailures(async () => {
        const input = parseInput(webhookCreateFields.safeParse(addBody(o)));
        const webhook = await withDeps(async (deps) => createWebhook(deps, o.project, await requireScope(deps, o), input));
        output(!!o.json, { webhook }, `webhook ${webhook.id} added: ${describe(webhook)}\nsecret: ${webhook.secret_key}`);
      }),
    );
}

function registerList(webhooks: Command): void {
  webhooks
    .command('list')
    .description("list a project's webhooks, newest first")
    .requiredOption('--project <id>', 'project id')
    .option('--phone-number-id <id>', 'only this phone number’s webhooks')
    .option('--json', 'print one JSON object')
    .action(async (o: { project: string; phoneNumberId?: string; json?: boolean }) => {
      const all = await withDeps((deps) => listAllWebhooks(deps, o.project, o.phoneNumberId));
      const lines = all.map((w) => `${w.id}  ${describe(w)}`);
      output(!!o.json, { webhooks: all }, lines.join('\n') || 'no webhooks');
    });
}

function registerRemove(webhooks: Command): void {
  webhooks
    .command('remove')
    .description('delete a webhook')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--id <id>', 'webhook id')
    .option('--json', 'print one JSON object')
    .action(async (o: TargetOptions) => {
      const removed = await withDeps((deps) => removeTargetWebhook(deps.database.db, { projectId: o.project, id: o.id }, deps.clock.now()));
      output(!!o.json, { removed }, removed ? 'removed' : `no webhook ${o.id} in project ${o.project}`);
      if (!removed) process.exitCode = 1;
    });
}

function registerResume(webhooks: Command): void {
  webhooks
    .command('resume')
    .description('reactivate a webhook, clearing a pause caused by failing deliveries')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--id <id>', 'webhook id')
    .option('--json', 'print one JSON object')
    .action(async (o: TargetOptions) =>
      reportFailures(async () => {
        const input = parseInput(webhookUpdateFields.safeParse({ active: true }));
        const webhook = await withDeps((deps) => changeWebhook(deps, { projectId: o.project, id: o.id }, input));
        if (!webhook) throw new TenancyError(`no webhook ${o.id} in project ${o.project}`);
        output(!!o.json, { webhook }, `webhook ${webhook.id} resumed: ${describe(webhook)}`);
      }),
    );
}

/** The `whatsapp_webhook` body the options describe, with only the options given. */
function addBody(o: AddOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { url: o.url };
  if (o.events !== undefined) body.events = o.events.split(',').map((e) => e.trim()).filter(Boolean);
  if (o.kind !== undefined) body.kind = o.kind;
  if (o.secret !== undefined) body.secret_key = o.secret;
  if (o.header.length > 0) body.headers = Object.fromEntries(o.header.map(parseHeader));
  if (o.buffer) body.buffer_enabled = true;
  if (o.bufferWindow !== undefined) body.buffer_window_seconds = o.bufferWindow;
  if (o.maxBuffer !== undefined) body.max_buffer_size = o.maxBuffer;
  if (o.inactivityMinutes !== undefined) body.inactivity_minutes = o.inactivityMinutes;
  return body;
}

/** Every page of the API's list: the CLI shows everything. */
async function listAllWebhooks(deps: Deps, projectId: string, phoneNumberId: string | undefined): Promise<WebhookObject[]> {
  const all: WebhookObject[] = [];
  for (let page = 1; ; page++) {
    const { data, meta } = await listWebhooks(deps, projectId, { page, per_page: 100 }, phoneNumberId);
    all.push(...data);
    if (page >= meta.total_pages) return all;
  }
}

/** The scope of a new webhook: the project must exist, and the number must be one of its own. */
async function requireScope(deps: Deps, o: AddOptions): Promise<string | null> {
  const { db } = deps.database;
  if (!(await findProject(db, o.project))) throw new TenancyError(`no project ${o.project}`);
  if (o.phoneNumberId === undefined) return null;
  if (!(await findProjectPhoneNumber(db, o.project, o.phoneNumberId))) {
    throw new TenancyError(`no phone number ${o.phoneNumberId} in project ${o.project}`);
  }
  return o.phoneNumberId;
}

function parseHeader(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliInputError(`--header wants name=value, got '${pair}'`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function parseInput<T>(result: { success: true; data: T } | { success: false; error: ZodError }): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CliInputError(`${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
}

class CliInputError extends Error {}

/** Refused input prints one line and exits 1, as the other commands' expected failures do. */
async function reportFailures(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof GraphError) && !(err instanceof CliInputError)) throw err;
    console.error(`switchboard: ${err instanceof GraphError ? forThisProcess(err.details ?? err.message) : err.message}`);
    process.exitCode = 1;
  }
}

/**
 * The CLI checks a URL with its own environment, not the running gateway's: a refusal says which
 * value it read, and that the gateway's processes need the same setting (they check again at
 * every delivery).
 */
function forThisProcess(details: string): string {
  if (!details.endsWith(PRIVATE_URL_HINT)) return details;
  const raw = process.env.WEBHOOK_ALLOW_PRIVATE_URLS;
  const read = raw === undefined ? 'unset (false)' : `=${raw} (false)`;
  return (
    `${details.slice(0, -PRIVATE_URL_HINT.length)}This command ran with WEBHOOK_ALLOW_PRIVATE_URLS ${read}; to allow such URLs for local development, ` +
    "set WEBHOOK_ALLOW_PRIVATE_URLS=true for this command and for the gateway's serve and worker processes, which check again at every delivery."
  );
}

function describe(w: WebhookObject): string {
  const scope = w.phone_number_id ? `number ${w.phone_number_id}` : 'project';
  const state = w.paused ? 'paused' : w.active ? 'active' : 'inactive';
  return `${w.url}  ${w.kind}  ${scope}  ${state}  ${w.events.join(',') || '(raw Meta payloads)'}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
