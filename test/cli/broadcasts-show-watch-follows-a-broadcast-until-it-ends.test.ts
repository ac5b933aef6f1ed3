import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecipientChange } from '../../src/broadcasts/recipient-changes.ts';
import { applyRecipientChange, insertRecipients } from '../../src/broadcasts/recipient-store.ts';
import { insertBroadcast, transitionBroadcast } from '../../src/broadcasts/store.ts';
import { watchBroadcast } from '../../src/cli/broadcast-watch.ts';
import type { BroadcastStatus } from '../../src/db/schema.ts';
import { BIN } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });
const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[|\r/;
/** A CLI process starts in seconds, but on a loaded machine in tens of them: a wait for its output is no timing assertion. */
const CLI_WAIT = { timeoutMs: 90_000, intervalMs: 50 };

/** `switchboard …` running beside the test, its stdout split into lines as they come. */
interface Watching {
  child: ChildProcessWithoutNullStreams;
  lines(): string[];
  stderr(): string;
  exited: Promise<number | null>;
}

const started: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  // A watch left running by a failed test would otherwise outlive the run.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function startWatching(args: string[], env: Record<string, string>): Watching {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  started.push(child);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines: () => stdout.split('\n').filter((l) => l !== ''), stderr: () => stderr, exited };
}

/** Runs a command to its end, however long a loaded machine takes to start it. */
async function runToEnd(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const w = startWatching(args, env);
  const status = await w.exited;
  return { status, stdout: w.lines().map((l) => `${l}\n`).join(''), stderr: w.stderr() };
}

describe.each(dialects)('switchboard broadcasts show --watch (%s)', { timeout: 300_000 }, (dialect) => {
  let gw: TestGateway;
  let env: Record<string, string>;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    env = { DATABASE_URL: gw.deps.config.db.url, SWITCHBOARD_SECRET: SECRET, LOG_LEVEL: 'warn' };
  });
  afterAll(() => gw.close());

  /** A broadcast with `count` recipients, moved straight to `status` through the store (there is no sending worker to do it). */
  async function broadcastWith(count: number, status: BroadcastStatus) {
    const t = await newTenant(gw);
    const db = gw.deps.database.db;
    const now = gw.clock.now();
    const broadcast = await insertBroadcast(db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: 'watched', template: TEMPLATE, created_at: now });
    const rows = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), phone_number: `1415555${String(i).padStart(4, '0')}`, components: '[]', send_tag: `sbb_${randomUUID()}` }));
    await insertRecipients(db, broadcast, rows, now);
    if (status !== 'draft') await transitionBroadcast(db, broadcast.project_id, broadcast.id, ['draft'], { status: 'sending', started_at: now, updated_at: now });
    if (status !== 'draft' && status !== 'sending') await transitionBroadcast(db, broadcast.project_id, broadcast.id, ['sending'], { status, completed_at: now, updated_at: now });
    const apply = (i: number, change: RecipientChange) => applyRecipientChange(db, rows[i]?.id ?? '', change, gw.clock.now());
    const complete = () => transitionBroadcast(db, broadcast.project_id, broadcast.id, ['sending'], { status: 'completed', completed_at: gw.clock.now(), updated_at: gw.clock.now() });
    return { id: broadcast.id, apply, complete };
  }

  it('prints a plain line per change until the broadcast completes, then exits 0', async () => {
    const b = await broadcastWith(3, 'sending');
    const w = startWatching(['broadcasts', 'show', b.id, '--watch', '--interval', '50'], env);
    const saw = (text: string) => waitFor(`a line with ${text}`, () => w.lines().some((l) => l.includes(text)), CLI_WAIT);
    await saw('sending sent=0/3 delivered=0 read=0 failed=0 responded=0 pending=3');
    await b.apply(0, { kind: 'sent', at: 1, wamid: 'wamid.w0' });
    await saw('sending sent=1/3 delivered=0 read=0 failed=0 responded=0 pending=2');
    await b.apply(0, { kind: 'delivered', at: 2 });
    await saw('sent=1/3 delivered=1 read=0');
    await b.apply(1, { kind: 'failed', at: 3, errorMessage: 'Invalid phone number', errorDetails: null });
    await b.apply(2, { kind: 'sent', at: 3, wamid: 'wamid.w2' });
    await saw('sending sent=2/3 delivered=1 read=0 failed=1 responded=0 pending=0');
    await b.complete();

    expect(await w.exited).toBe(0);
    const lines = w.lines();
    expect(lines.at(-1)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ completed sent=2\/3 delivered=1 read=0 failed=1 responded=0 pending=0$/);
    // One line per change: no two consecutive lines say the same thing, and no terminal codes.
    const states = lines.map((l) => l.replace(/^\S+ /, ''));
    expect(states.filter((s, i) => s === states[i - 1])).toEqual([]);
    expect(lines.filter((l) => ANSI.test(l))).toEqual([]);
    expect(w.stderr()).toBe('');
  });

  it('prints NDJSON with show --json\'s fields per change, the last line the terminal state', async () => {
    const b = await broadcastWith(2, 'sending');
    const w = startWatching(['broadcasts', 'show', b.id, '--watch', '--interval', '50', '--json'], env);
    const objects = () => w.lines().map((l) => JSON.parse(l).broadcast as Record<string, unknown>);
    await waitFor('the first JSON line', () => w.lines().length > 0, CLI_WAIT);
    await b.apply(0, { kind: 'sent', at: 1, wamid: 'wamid.j0' });
    await waitFor('a line with one sent', () => objects().some((o) => o.sent_count === 1), CLI_WAIT);
    await b.apply(1, { kind: 'sent', at: 2, wamid: 'wamid.j1' });
    await waitFor('a line with two sent', () => objects().some((o) => o.sent_count === 2), CLI_WAIT);
    await b.complete();

    expect(await w.exited).toBe(0);
    const all = objects();
    const shown = await runToEnd(['broadcasts', 'show', b.id, '--json'], env);
    expect(JSON.parse(shown.stdout).broadcast).toEqual(all.at(-1));
    expect(all.at(-1)).toMatchObject({ id: b.id, status: 'completed', sent_count: 2, pending_count: 0, total_recipients: 2 });
    expect(all[0]).toMatchObject({ status: 'sending', sent_count: 0, pending_count: 2 });
    expect(Object.keys(all[0] ?? {})).toEqual(Object.keys(all.at(-1) ?? {}));
    const counts = all.map((o) => `${String(o.status)} ${String(o.sent_count)}`);
    expect(counts.filter((c, i) => c === counts[i - 1])).toEqual([]);
  });

  it('prints an already ended broadcast once and exits', async () => {
    const b = await broadcastWith(2, 'stopped');
    const plain = await runToEnd(['broadcasts', 'show', b.id, '--watch', '--interval', '50'], env);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toMatch(/^\S+ stopped sent=0\/2 delivered=0 read=0 failed=0 responded=0 pending=2\n$/);
    const json = await runToEnd(['broadcasts', 'show', b.id, '--watch', '--json'], env);
    expect(json.status).toBe(0);
    expect(json.stdout.trim().split('\n').map((l) => JSON.parse(l).broadcast.status)).toEqual(['stopped']);
  });

  it('stops on Ctrl-C with 130 and no stack trace', async () => {
    const b = await broadcastWith(1, 'sending');
    const w = startWatching(['broadcasts', 'show', b.id, '--watch', '--interval', '50'], env);
    await waitFor('the first line', () => w.lines().length > 0, CLI_WAIT);
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(130);
    expect(w.stderr()).toBe('');
    expect(w.lines()).toHaveLength(1);
  });

  it('refuses to watch a broadcast that does not exist', async () => {
    const unknown = await runToEnd(['broadcasts', 'show', randomUUID(), '--watch'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^switchboard: no broadcast [0-9a-f-]{36}$/);
  });

  it('redraws one line in place on a terminal, within its width, and ends with the full counts', async () => {
    const b = await broadcastWith(4, 'sending');
    const chunks: string[] = [];
    const out = { write: (text: string) => void chunks.push(text), isTTY: true, columns: () => 60 };
    const watching = watchBroadcast(gw.deps, b.id, { intervalMs: 50, json: false, out, signal: new AbortController().signal });
    await waitFor('the first redraw', () => chunks.length > 0);
    await b.apply(0, { kind: 'sent', at: 1, wamid: 'wamid.t0' });
    await b.apply(1, { kind: 'sent', at: 1, wamid: 'wamid.t1' });
    await waitFor('a redraw at 50%', () => chunks.some((c) => c.includes(' 50% ')));
    await b.complete();
    const result = await watching;

    expect(result.end).toBe('terminal');
    expect(result.row.status).toBe('completed');
    for (const chunk of chunks) {
      expect(chunk.startsWith('\r\x1b[2K')).toBe(true);
      expect(chunk.replace('\r\x1b[2K', '').replace(/\n$/, '').length).toBeLessThanOrEqual(59);
    }
    expect(chunks.slice(0, -1).filter((c) => c.includes('\n'))).toEqual([]);
    expect(chunks.at(-1)?.replace('\r\x1b[2K', '')).toMatch(/^\[#+\.+\] 50% 2\/4 sent .*· completed\n$/);
  });

  it('ends an interrupted terminal watch with a newline so the prompt starts clean', async () => {
    const b = await broadcastWith(1, 'sending');
    const chunks: string[] = [];
    const interrupt = new AbortController();
    const out = { write: (text: string) => void chunks.push(text), isTTY: true, columns: () => 80 };
    const watching = watchBroadcast(gw.deps, b.id, { intervalMs: 50, json: false, out, signal: interrupt.signal });
    await waitFor('the first redraw', () => chunks.length > 0);
    interrupt.abort();
    const result = await watching;
    expect(result.end).toBe('interrupted');
    expect(chunks.at(-1)).toBe('\n');
  });
});

describe('switchboard broadcasts show --interval', { timeout: 180_000 }, () => {
  // Refused while parsing the command line, before any store is opened.
  const env = { DATABASE_URL: 'sqlite:/nonexistent-folder/never-opened.db', SWITCHBOARD_SECRET: SECRET, LOG_LEVEL: 'warn' };

  it('refuses fewer than 50 ms between reads, and an interval without --watch', async () => {
    const fast = await runToEnd(['broadcasts', 'show', randomUUID(), '--watch', '--interval', '10'], env);
    expect(fast.status).toBe(1);
    expect(fast.stderr).toContain("option '--interval <ms>' argument '10' is invalid. give a whole number of milliseconds, at least 50");
    const alone = await runToEnd(['broadcasts', 'show', randomUUID(), '--interval', '100'], env);
    expect(alone.status).toBe(1);
    expect(alone.stderr.trim()).toBe('switchboard: --interval needs --watch');
  });
});
