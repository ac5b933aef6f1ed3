import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startServe } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

type Served = Awaited<ReturnType<typeof startServe>>;

/**
 * "Which database am I on?" `./data` is relative to the working directory: every process names
 * its store, a new one is announced, a folder that does not exist is not invented.
 */
describe.runIf(dialects.includes('sqlite'))('the SQLite store a command uses', { timeout: 60_000 }, () => {
  const running: Served[] = [];
  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });

  it('is announced on stderr by the one-shot command that creates it, and only then', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sb-new-')));
    const first = runCli(['projects', 'list', '--json'], {}, dir);
    expect(first.status).toBe(0);
    expect(first.stderr).toContain(`switchboard: created a new store at ${dir}/data/switchboard.db`);
    expect(first.stderr).toContain('relative to the working directory');
    expect(JSON.parse(first.stdout)).toEqual({ projects: [] });
    const second = runCli(['projects', 'list', '--json'], {}, dir);
    expect(second.stderr).not.toContain('created a new store');
  });

  it('is named by absolute path in the start log of serve', async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sb-log-')));
    const s = await startServe({ LOG_LEVEL: 'info', SANDBOX: 'false' }, dir);
    running.push(s);
    expect(s.output()).toContain(`created a new store at ${dir}/data/switchboard.db`);
    s.child.kill('SIGTERM');
    await s.exited;
    const again = await startServe({ LOG_LEVEL: 'info', SANDBOX: 'false' }, dir);
    running.push(again);
    expect(again.output()).toContain(`using the store at ${dir}/data/switchboard.db`);
    expect(again.output()).not.toContain('created a new store');
  });

  it('is not created in a folder that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-missing-'));
    for (const args of [['serve'], ['projects', 'list'], ['migrate']]) {
      const r = runCli(args, { DATABASE_URL: `sqlite:${dir}/nope/deeper/gw.db` });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim()).toBe(`switchboard: DATABASE_URL: the folder ${dir}/nope/deeper does not exist; create it first, or fix the path (sqlite:${dir}/nope/deeper/gw.db)`);
    }
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });
});

describe.runIf(dialects.includes('postgres'))('the PostgreSQL store serve uses', { timeout: 60_000 }, () => {
  it('is named in the start log by host, database and schema, without the password', async () => {
    const url = new URL(isolatedDatabaseUrlFor('postgres', 'named'));
    url.password = 'not-printed';
    const s = await startServe({ DATABASE_URL: url.toString(), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'info' });
    expect(s.output()).toContain(`using the store at postgres://postgres@${url.host}${url.pathname} schema ${url.searchParams.get('schema')}`);
    expect(s.output()).not.toContain('not-printed');
    s.child.kill('SIGTERM');
    await s.exited;
  });
});

describe('an empty PORT', () => {
  it('is a configuration error naming PORT, not a start on port 0', () => {
    const r = runCli(['serve'], { PORT: '', DATABASE_URL: 'sqlite::memory:' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('switchboard: invalid environment: PORT must be a port number from 0 to 65535 (it is empty)');
  });
});
