import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { BIN, type CliResult, startServe } from '../helpers/cli.ts';
import { type TestDialect, dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';
import { serverAutovacuum } from '../helpers/postgres-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';
const OTHER_SECRET = 'another-test-secret-0123456789abcdefghijklmnopqrs';

/** The CLI run without blocking this process, whose simulator must answer it meanwhile. */
function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function json<T>(args: string[], env: Record<string, string>): Promise<T> {
  const r = await run([...args, '--json'], env);
  if (r.status !== 0) throw new Error(`switchboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as T;
}

/** The report line of one check. */
function line(out: string, name: string): string {
  return out.split('\n').find((l) => new RegExp(`^(ok|warn|fail)\\s+${name}\\s`).test(l)) ?? `(no line for ${name} in:\n${out})`;
}

/**
 * `switchboard doctor` against real deployments on each dialect, with the simulator playing Meta
 * at META_GRAPH_URL: one line per check, the action for anything not ok, exit 1 on a failure.
 */
describe.each(dialects)('switchboard doctor (%s)', { timeout: 180_000 }, (dialect: TestDialect) => {
  let sim: Simulator;
  let graphUrl: string;
  beforeAll(async () => {
    sim = await buildSimulator({ logger: false });
    graphUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => sim.close());

  let next = 0;
  /** A migrated deployment of its own (database, media folder) with one project: `projects create` migrates first, as every command does. */
  async function deployment(over: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
    const env = {
      DATABASE_URL: dialect === 'sqlite' ? `sqlite:${dir}/switchboard.db` : isolatedDatabaseUrlFor(dialect, 'doctor'),
      SWITCHBOARD_SECRET: SECRET,
      MEDIA_STORE: `file:${dir}/media`,
      META_GRAPH_URL: graphUrl,
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      ...over,
    };
    const projectId = (await json<{ project: { id: string } }>(['projects', 'create', '--name', 'doctor'], env)).project.id;
    return { env, dir, projectId };
  }
  /** Adds a number; Meta (the simulator) knows it under `metaToken`. */
  async function addNumber(d: { env: Record<string, string>; projectId: string }, metaToken?: string) {
    const id = `7${Date.now()}${next++}`;
    const token = `token-${id}`;
    sim.registerNumber({ phone_number_id: id, display_phone_number: '15550107070', waba_id: '107070707070707', access_token: metaToken ?? token, app_secret: 's' });
    const flags = ['--phone-number-id', id, '--display-phone-number', '+15550107070', '--waba-id', '107070707070707', '--access-token', token, '--app-secret', 'app-secret', '--verify-token', `v${id}`];
    await json(['numbers', 'add', '--project', d.projectId, ...flags], d.env);
    return { id, token };
  }
  async function addWebhook(d: { env: Record<string, string>; projectId: string }, url: string) {
    return (await json<{ webhook: { id: string } }>(['webhooks', 'add', '--project', d.projectId, '--url', url, '--events', 'whatsapp.phone_number.created'], d.env)).webhook.id;
  }

  it('passes every check of a healthy deployment and exits 0, in lines and in JSON', async () => {
    const d = await deployment();
    const number = await addNumber(d);
    const webhook = await addWebhook(d, 'http://localhost:9/hooks');
    // On PostgreSQL doctor also reads the server's autovacuum, which this deployment does not choose:
    // ok when the server runs it, a warning (not a failure) when it is off.
    const autovacuumOff = dialect === 'postgres' && (await serverAutovacuum()) !== 'on';
    const r = await run(['doctor'], d.env);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    for (const l of lines.slice(0, -1)) expect(l).toMatch(autovacuumOff && l.includes(' autovacuum ') ? /^warn +autovacuum +off on this server: .*; fix: set `autovacuum = on`/ : /^ok /);
    expect(lines.at(-1)).toMatch(new RegExp(`^doctor: \\d+ ok, ${autovacuumOff ? 1 : 0} warn, 0 fail$`));
    if (dialect === 'postgres') expect(line(r.stdout, 'autovacuum')).toMatch(autovacuumOff ? /^warn/ : /^ok +autovacuum +on: /);
    expect(line(r.stdout, `meta ${number.id}`)).toContain('Meta answers for 15550107070 with its token');
    expect(line(r.stdout, `webhook ${webhook}`)).toContain('localhost resolves');
    expect(line(r.stdout, 'secret')).toContain('opens the stored tokens of 1 number');

    const j = await run(['doctor', '--json'], d.env);
    expect(j.status).toBe(0);
    const report = JSON.parse(j.stdout) as { ok: boolean; checks: { name: string; state: string; fix?: string }[] };
    expect(report.ok).toBe(true);
    const autovacuum = dialect === 'postgres' ? ['autovacuum'] : [];
    expect(report.checks.map((c) => c.name)).toEqual(['config', 'database', 'migrations', ...autovacuum, 'secret', 'media_store', `meta ${number.id}`, `webhook ${webhook}`]);
    expect(report.checks.filter((c) => !(autovacuumOff && c.name === 'autovacuum')).every((c) => c.state === 'ok' && c.fix === undefined)).toBe(true);
  });

  it('says to run migrate for an unmigrated database and exits 1, then passes once migrated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
    const env = {
      DATABASE_URL: dialect === 'sqlite' ? `sqlite:${dir}/empty.db` : isolatedDatabaseUrlFor(dialect, 'unmigrated'),
      SWITCHBOARD_SECRET: SECRET,
      MEDIA_STORE: `file:${dir}/media`,
    };
    // An empty file is an empty SQLite database (a missing one is reported as missing).
    if (dialect === 'sqlite') writeFileSync(`${dir}/empty.db`, '');
    const r = await run(['doctor'], env);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(line(r.stdout, 'database')).toMatch(/^ok /);
    expect(line(r.stdout, 'migrations')).toMatch(/^fail\s+migrations\s+\d+ of \d+ pending: 2026-11-25-001-init, .*; fix: run `switchboard migrate`/);
    const j = JSON.parse((await run(['doctor', '--json'], env)).stdout) as { ok: boolean; checks: { name: string; state: string; fix?: string }[] };
    expect(j.ok).toBe(false);
    expect(j.checks.find((c) => c.name === 'migrations')).toMatchObject({ state: 'fail', fix: expect.stringContaining('run `switchboard migrate`') });
    await json(['migrate'], env);
    const after = await run(['doctor'], env);
    expect(after.status, after.stdout).toBe(0);
  });

  it.runIf(dialect === 'sqlite')('says where the SQLite database is missing instead of creating it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-doctor-'));
    const env = { DATABASE_URL: `sqlite:${dir}/none.db`, SWITCHBOARD_SECRET: SECRET, MEDIA_STORE: `file:${dir}/media` };
    const r = await run(['doctor'], env);
    expect(r.status).toBe(1);
    expect(line(r.stdout, 'database')).toBe(`fail  database     no SQLite database at ${dir}/none.db; fix: run \`switchboard migrate\` to create it, or point DATABASE_URL at the existing database`);
    expect(existsSync(`${dir}/none.db`)).toBe(false);
  });

  it.runIf(dialect === 'sqlite')('runs beside a serving process without taking its lock or disturbing it', async () => {
    const d = await deployment({ SANDBOX: 'false' });
    const served = await startServe(d.env);
    try {
      await waitFor('serve is ready', async () => (await fetch(`${served.base}/readyz`)).status === 200);
      const lock = `${d.dir}/switchboard.db.lock`;
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(served.child.pid));
      const r = await run(['doctor'], d.env);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(readFileSync(lock, 'utf8').trim()).toBe(String(served.child.pid));
      // Still serving, and still ready: doctor took nothing from it.
      expect((await fetch(`${served.base}/readyz`)).status).toBe(200);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
  });

  it('fails the secret check when the secret does not open the stored tokens, printing neither', async () => {
    const d = await deployment();
    const number = await addNumber(d);
    const r = await run(['doctor'], { ...d.env, SWITCHBOARD_SECRET: OTHER_SECRET });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(line(r.stdout, 'secret')).toMatch(
      new RegExp(`^fail\\s+secret\\s+SWITCHBOARD_SECRET does not open the stored tokens of 1 of 1 numbers \\(${number.id}\\); fix: set SWITCHBOARD_SECRET to the secret they were sealed with`),
    );
    expect(line(r.stdout, `meta ${number.id}`)).toMatch(/^warn\s+meta \d+\s+not tried: its token cannot be opened/);
    for (const secret of [OTHER_SECRET, SECRET, number.token, 'app-secret']) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });

  it('fails a number whose token Meta rejects, with Meta’s message and code', async () => {
    const d = await deployment();
    const good = await addNumber(d);
    const rejected = await addNumber(d, 'the-token-meta-knows');
    const r = await run(['doctor'], d.env);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(line(r.stdout, `meta ${good.id}`)).toMatch(/^ok /);
    expect(line(r.stdout, `meta ${rejected.id}`)).toMatch(
      /^fail\s+meta \d+\s+Meta refused its token \(HTTP 401, code 190\): Invalid OAuth access token - Cannot parse access token; fix: the access token is invalid or expired; give the number a valid token: `switchboard numbers update --phone-number-id \d+ --access-token-file PATH`/,
    );
    expect(r.stdout).not.toContain(rejected.token);
  });

  it('fails a webhook whose host does not resolve, and one that names a private address', async () => {
    const d = await deployment();
    const invalid = await addWebhook(d, 'https://hooks.example.invalid/switchboard');
    const internal = await addWebhook(d, 'http://10.0.0.8/hooks');
    const r = await run(['doctor'], { ...d.env, WEBHOOK_ALLOW_PRIVATE_URLS: 'false' });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(line(r.stdout, `webhook ${invalid}`)).toMatch(/^fail\s+webhook \S+\s+hooks\.example\.invalid does not resolve \(ENOTFOUND\); every delivery fails; fix: point it at a reachable URL/);
    expect(line(r.stdout, `webhook ${internal}`)).toMatch(/^fail\s+webhook \S+\s+url host 10\.0\.0\.8 is a local or private address, which webhooks may not target; every delivery fails; fix: .*WEBHOOK_ALLOW_PRIVATE_URLS=true/);
  });
});
