import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import type { Simulator } from '../../src/simulator/index.ts';
import { buildSimulator } from '../../src/simulator/index.ts';
import { BIN, freePort, type CliResult } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

/** The CLI run without blocking this process, whose simulator must answer it meanwhile. */
function run(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function json<T = Record<string, unknown>>(args: string[], env: Record<string, string>): Promise<T> {
  const r = await run([...args, '--json'], env);
  if (r.status !== 0) throw new Error(`switchboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as T;
}

/**
 * `switchboard numbers add` reads the number's messaging limit from Meta (here a simulator at
 * META_GRAPH_URL) and never fails for want of it; `numbers update --messaging-limit` sets it,
 * reads it again (`meta`) or forgets it (`default`).
 */
describe.each(dialects)('a number’s messaging limit from the CLI (%s)', { timeout: 300_000 }, (dialect) => {
  let sim: Simulator;
  let env: Record<string, string>;
  let projectId: string;
  beforeAll(async () => {
    sim = await buildSimulator({ logger: false });
    const graphUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-limits'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', META_GRAPH_URL: graphUrl };
    projectId = (await json<{ project: { id: string } }>(['projects', 'create', '--name', 'limits'], env)).project.id;
  });
  afterAll(() => sim.close());

  let next = 0;
  const freshId = () => `8${Date.now()}${next++}`;
  function added(over: Record<string, string> = {}) {
    const pnid = freshId();
    const flags = { '--phone-number-id': pnid, '--display-phone-number': '+15550102030', '--waba-id': '109876543210987', '--access-token': `t${pnid}`, '--app-secret': 's', '--verify-token': `v${pnid}`, ...over };
    return { pnid, args: ['numbers', 'add', '--project', projectId, ...Object.entries(flags).flat()] };
  }
  const atMeta = (pnid: string, tier: string) =>
    sim.registerNumber({ phone_number_id: pnid, display_phone_number: '15550102030', waba_id: '109876543210987', access_token: `t${pnid}`, app_secret: 's', messaging_limit_tier: tier });

  it('reads the tier from Meta when a number is added', async () => {
    const n = added();
    atMeta(n.pnid, 'TIER_2K');
    const out = await json<{ phone_number: Record<string, unknown> }>(n.args, env);
    expect(out.phone_number).toMatchObject({ id: n.pnid, messaging_limit_tier: 'TIER_2K', messaging_limit_source: 'meta' });
  });

  it('adds the number all the same when Meta cannot be asked, warning that its limit is unknown', async () => {
    const offline = { ...env, META_GRAPH_URL: `http://127.0.0.1:${await freePort()}` };
    const n = added();
    const r = await run([...n.args, '--json'], offline);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).phone_number).toMatchObject({ id: n.pnid, messaging_limit_tier: null, messaging_limit_source: null });
    expect(r.stderr).toMatch(new RegExp(`^switchboard: warning: the messaging limit of ${n.pnid} could not be read from Meta \\(.*connection refused\\)`, 'm'));
  });

  it('keeps the operator’s limit given at add or update, reads it again with meta, forgets it with default', async () => {
    const n = added({ '--messaging-limit': '250' });
    atMeta(n.pnid, 'TIER_100K');
    expect((await json<{ phone_number: Record<string, unknown> }>(n.args, env)).phone_number).toMatchObject({ messaging_limit_tier: 'TIER_250', messaging_limit_source: 'operator' });
    const update = (value: string) => json<{ phone_number: Record<string, unknown> }>(['numbers', 'update', '--phone-number-id', n.pnid, '--messaging-limit', value], env);
    expect((await update('unlimited')).phone_number).toMatchObject({ messaging_limit_tier: 'TIER_UNLIMITED', messaging_limit_source: 'operator' });
    expect((await update('meta')).phone_number).toMatchObject({ messaging_limit_tier: 'TIER_100K', messaging_limit_source: 'meta' });
    expect((await update('default')).phone_number).toMatchObject({ messaging_limit_tier: null, messaging_limit_source: null });
  });

  it('refuses a limit Meta has no tier for, and says when Meta will not give it', async () => {
    const n = added();
    await json(n.args, env);
    const refused = await run(['numbers', 'update', '--phone-number-id', n.pnid, '--messaging-limit', '300'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^switchboard: --messaging-limit must be a tier such as TIER_250/);
    // The simulator does not know this number: Meta refuses the read.
    const unread = await run(['numbers', 'update', '--phone-number-id', n.pnid, '--messaging-limit', 'meta'], env);
    expect(unread.status).toBe(1);
    expect(unread.stderr).toMatch(/^switchboard: the messaging limit could not be read from Meta: .*Meta answered/);
  });
});
