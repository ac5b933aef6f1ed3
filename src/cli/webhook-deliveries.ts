import type { Command } from 'commander';
import { GraphError } from '../http/errors.ts';
import { parseInstantMs } from '../http/instants.ts';
import { deliveryLogFilter } from '../outbox/log-filter.ts';
import { DELIVERY_STATUSES, LOG_PERIODS, type LogPeriod } from '../outbox/log-schemas.ts';
import { listDeliveries } from '../outbox/log-store.ts';
import { presentDelivery } from '../outbox/present-delivery.ts';
import { redeliverDelivery, redeliverRange } from '../outbox/redeliver.ts';
import { queueTestEvent } from '../outbox/test-event.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { findWebhook } from '../webhooks/store.ts';
import { output, withDeps } from './context.ts';

/**
 * `switchboard webhooks test|deliveries|redeliver`: the delivery log of kapso-api.md §8.8 for
 * operators, through the same domain functions as the Platform routes (outbox/log-routes.ts).
 */
export function registerWebhookDeliveryCommands(webhooks: Command): void {
  registerTest(webhooks);
  registerDeliveries(webhooks);
  registerRedeliver(webhooks);
}

function registerTest(webhooks: Command): void {
  webhooks
    .command('test')
    .description('queue a sample delivery for one webhook')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--id <id>', 'webhook id')
    .option('--event <name>', "one of the webhook's events (default: its first)")
    .option('--json', 'print one JSON object')
    .action(async (o: { project: string; id: string; event?: string; json?: boolean }) =>
      reportFailures(async () => {
        const event = await withDeps(async (deps) => {
          const webhook = await findWebhook(deps.database.db, o.project, o.id);
          if (!webhook) throw new TenancyError(`no webhook ${o.id} in project ${o.project}`);
          return queueTestEvent(deps, webhook, o.event);
        });
        output(!!o.json, { queued: true, event }, `queued a test ${event} delivery; a running worker sends it`);
      }),
    );
}

interface DeliveriesOptions {
  project: string;
  status?: string;
  event?: string;
  webhook?: string;
  errorsOnly?: boolean;
  period: string;
  limit: number;
  json?: boolean;
}

function registerDeliveries(webhooks: Command): void {
  webhooks
    .command('deliveries')
    .description("list a project's webhook deliveries, newest first")
    .requiredOption('--project <id>', 'project id')
    .option('--status <status>', DELIVERY_STATUSES.join(' | '))
    .option('--event <name>', 'only this event')
    .option('--webhook <id>', 'only this webhook')
    .option('--errors-only', 'only deliveries that failed or whose last attempt failed')
    .option('--period <period>', LOG_PERIODS.join(' | '), '24h')
    .option('--limit <n>', 'at most this many, 1–100', Number, 20)
    .option('--json', 'print one JSON object')
    .action(async (o: DeliveriesOptions) =>
      reportFailures(async () => {
        const status = oneOf('--status', o.status, DELIVERY_STATUSES);
        const period = oneOf('--period', o.period, LOG_PERIODS) as LogPeriod;
        if (!Number.isInteger(o.limit) || o.limit < 1 || o.limit > 100) throw new CliInputError('--limit must be an integer from 1 to 100');
        const query = { status, event: o.event, webhook_id: o.webhook, errors_only: !!o.errorsOnly, period, since: undefined, until: undefined };
        const rows = await withDeps((deps) =>
          listDeliveries(deps.database.db, o.project, deliveryLogFilter(query, deps.clock.now()), { start: { kind: 'first' }, limit: o.limit }),
        );
        const deliveries = rows.map(presentDelivery);
        const lines = deliveries.map((d) => `${d.id}  ${d.created_at}  ${d.status}  ${d.event}  attempts=${d.attempt_count}  ${d.last_error ?? ''}`.trimEnd());
        output(!!o.json, { deliveries }, lines.join('\n') || 'no deliveries');
      }),
    );
}

interface RedeliverOptions {
  project: string;
  delivery?: string;
  failed?: boolean;
  since?: string;
  until?: string;
  json?: boolean;
}

function registerRedeliver(webhooks: Command): void {
  webhooks
    .command('redeliver')
    .description('send a delivery again (--delivery), or every failed one in a time range (--failed --since)')
    .requiredOption('--project <id>', 'project id')
    .option('--delivery <id>', 'one delivery')
    .option('--failed', 'every failed delivery created in the range')
    .option('--since <iso>', 'start of the range (ISO 8601), with --failed')
    .option('--until <iso>', 'end of the range (ISO 8601), with --failed')
    .option('--json', 'print one JSON object')
    .action(async (o: RedeliverOptions) =>
      reportFailures(async () => {
        const redelivered = await withDeps(async (deps) => {
          if (o.delivery !== undefined) {
            const result = await redeliverDelivery(deps, o.project, o.delivery);
            if (!result) throw new TenancyError(`no delivery ${o.delivery} in project ${o.project}`);
            return result.requeued ? 1 : 0;
          }
          if (!o.failed || o.since === undefined) throw new CliInputError('give --delivery <id>, or --failed --since <iso> [--until <iso>]');
          const untilMs = o.until === undefined ? undefined : instant('--until', o.until);
          return redeliverRange(deps, o.project, { status: 'failed', sinceMs: instant('--since', o.since), untilMs });
        });
        output(!!o.json, { redelivered }, `${redelivered} ${redelivered === 1 ? 'delivery' : 'deliveries'} queued again`);
      }),
    );
}

function instant(option: string, value: string): number {
  const ms = parseInstantMs(value);
  if (ms === null) throw new CliInputError(`${option} must be an ISO 8601 instant, got '${value}'`);
  return ms;
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new CliInputError(`${option} must be one of ${allowed.join(', ')}`);
}

class CliInputError extends Error {}

/** Bad options and the domain's refusals (a bad event type, a deleted webhook) print one line and exit 1. */
async function reportFailures(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof GraphError) && !(err instanceof CliInputError)) throw err;
    console.error(`switchboard: ${err instanceof GraphError ? (err.details ?? err.message) : err.message}`);
    process.exitCode = 1;
  }
}
