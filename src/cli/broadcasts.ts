import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { addRecipients, MAX_RECIPIENTS_PER_CALL } from '../broadcasts/add-recipients.ts';
import { changeBroadcastStatus } from '../broadcasts/change-status.ts';
import { createBroadcast } from '../broadcasts/create-broadcast.ts';
import { parseCsv, recipientsFromCsv } from '../broadcasts/csv-recipients.ts';
import { presentBroadcast } from '../broadcasts/present.ts';
import { findBroadcastById } from '../broadcasts/store.ts';
import type { StoredTemplate } from '../broadcasts/template.ts';
import { readJson } from '../db/json.ts';
import type { BroadcastRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { findProject } from '../tenants/store.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { watchBroadcast } from './broadcast-watch.ts';
import { output, withDeps } from './context.ts';

interface CreateOptions {
  project: string;
  phoneNumberId: string;
  templateId: string;
  name: string;
  recipients?: string;
  send?: boolean;
  json?: boolean;
}

/** `switchboard broadcasts create …` and `broadcasts show ID` (docs/broadcasts.md). */
export function registerBroadcastCommands(program: Command): void {
  const broadcasts = program.command('broadcasts').description('Kapso-compatible template broadcasts');
  broadcasts
    .command('create')
    .description('create a broadcast from an approved template, add recipients from a CSV file, optionally send it')
    .requiredOption('--project <id>', 'project id')
    .requiredOption('--phone-number-id <id>', "the sending number's Meta phone_number_id")
    .requiredOption('--template-id <id>', "Meta's template id (an approved template of the number's WABA)")
    .requiredOption('--name <name>', 'campaign name')
    .option('--recipients <file.csv>', 'CSV with a phone_number column and one column per template variable (docs/broadcasts.md)')
    .option('--send', 'start sending at once (the broadcast worker sends the recipients)')
    .option('--json', 'print one JSON object')
    .action(async (o: CreateOptions) => {
      const csv = o.recipients === undefined ? undefined : readCsv(o.recipients);
      const result = await withDeps(async (deps) => {
        if (!(await findProject(deps.database.db, o.project))) throw new TenancyError(`no project ${o.project}`);
        let row = await createBroadcast(deps, o.project, { name: o.name, phoneNumberId: o.phoneNumberId, templateId: o.templateId });
        const added = csv === undefined ? undefined : await addFromCsv(deps, row, csv);
        if (o.send) row = await changeBroadcastStatus(deps, o.project, row.id, 'send');
        else row = (await findBroadcastById(deps.database.db, row.id)) ?? row;
        return { broadcast: presentBroadcast(row), ...(added ? { recipients: added } : {}) };
      });
      const b = result.broadcast;
      const lines = [`broadcast ${String(b.id)} (${String(b.name)}) is ${String(b.status)} with ${String(b.total_recipients)} recipients`];
      if (result.recipients) lines.push(`added ${result.recipients.added}, duplicates ${result.recipients.duplicates}, suppressed ${result.recipients.suppressed}`, ...result.recipients.errors);
      output(!!o.json, result, lines.join('\n'));
    });
  broadcasts
    .command('show <id>')
    .description("a broadcast's status and running counts; --watch follows them until it ends")
    .option('--json', 'print one JSON object (with --watch: one per change, NDJSON)')
    .option('--watch', 'read the broadcast again every --interval until it completes, stops or fails')
    .option('--interval <ms>', 'milliseconds between reads with --watch (at least 50)', parseInterval, 1000)
    .action(async (id: string, o: ShowOptions, command: Command) => {
      if (!o.watch) {
        if (command.getOptionValueSource('interval') === 'cli') throw new TenancyError('--interval needs --watch');
        const row = await withDeps((deps) => findBroadcastById(deps.database.db, id));
        if (!row) throw new TenancyError(`no broadcast ${id}`);
        const b = presentBroadcast(row);
        output(!!o.json, { broadcast: b }, describe(row, b));
        return;
      }
      await showWatching(id, o);
    });
}

interface ShowOptions {
  json?: boolean;
  watch?: boolean;
  interval: number;
}

/** `show --watch`: follows the broadcast until it ends; Ctrl-C stops it with 130 and no stack trace. */
async function showWatching(id: string, o: ShowOptions): Promise<void> {
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  process.once('SIGINT', onInterrupt);
  // A reader that went away (`| head -1`) ends the watch like Ctrl-C, not with an EPIPE stack trace.
  process.stdout.once('error', onInterrupt);
  try {
    const out = { write: (text: string) => void process.stdout.write(text), isTTY: process.stdout.isTTY === true, columns: () => process.stdout.columns ?? 80 };
    const result = await withDeps((deps) => watchBroadcast(deps, id, { intervalMs: o.interval, json: !!o.json, out, signal: interrupt.signal }));
    if (result.end === 'interrupted') process.exitCode = 130;
    // The bar drops parts on a narrow terminal: the final state is also printed in full.
    else if (out.isTTY && !o.json) console.log(describe(result.row, presentBroadcast(result.row)));
  } finally {
    process.off('SIGINT', onInterrupt);
    process.stdout.off('error', onInterrupt);
  }
}

/** Fewer than 50 ms between reads would only load the database: the counters move per send. */
function parseInterval(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 50) throw new InvalidArgumentError('give a whole number of milliseconds, at least 50');
  return ms;
}

function readCsv(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TenancyError(`cannot read --recipients ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const header = (parseCsv(text)[0] ?? []).map((h) => h.trim());
  if (!header.includes('phone_number')) throw new TenancyError(`--recipients ${path}: the first row must name a phone_number column`);
  return text;
}

/** Adds the CSV's rows in batches of the API's limit, numbering errors by CSV row (1 = first after the header). */
async function addFromCsv(deps: Deps, broadcast: BroadcastRow, csv: string) {
  const inputs = recipientsFromCsv(csv, readJson<StoredTemplate>(broadcast.template));
  const total = { added: 0, duplicates: 0, suppressed: 0, errors: [] as string[] };
  for (let start = 0; start < inputs.length; start += MAX_RECIPIENTS_PER_CALL) {
    const r = await addRecipients(deps, broadcast, inputs.slice(start, start + MAX_RECIPIENTS_PER_CALL));
    total.added += r.added;
    total.duplicates += r.duplicates;
    total.suppressed += r.suppressed;
    total.errors.push(...r.errors.map((e) => e.replace(/^Recipient (\d+):/, (_m, n: string) => `Recipient ${start + Number(n)}:`)));
  }
  return total;
}

function describe(row: BroadcastRow, b: Record<string, unknown>): string {
  return [
    `${row.id}  ${row.name}  ${row.status}  number ${row.phone_number_id}  project ${row.project_id}`,
    `recipients ${row.total_recipients}: pending ${row.pending_count}, sent ${row.sent_count}, failed ${row.failed_count}, delivered ${row.delivered_count}, read ${row.read_count}, responded ${row.responded_count} (response rate ${String(b.response_rate)}%)`,
  ].join('\n');
}
