import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliResult, freePort, runCli } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';

/** One line on stderr, naming the fault and the fix; exit 1; no stack trace. */
function expectOneLine(r: CliResult, ...phrases: string[]): void {
  expect(r.status, r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^switchboard: /);
  for (const phrase of phrases) expect(lines[0]).toContain(phrase);
}

/** A PostgreSQL URL whose database is `name`, or whose server is at `port`. */
function postgresUrl(change: { database?: string; port?: number }): string {
  const url = new URL(inject('postgresUrl'));
  if (change.database) url.pathname = `/${change.database}`;
  if (change.port) url.port = String(change.port);
  return url.toString();
}

describe.each(dialects)('serve on a port already in use (%s)', { timeout: 60_000 }, (dialect) => {
  let occupied: Server | undefined;
  afterEach(() => occupied?.close());

  it('says the port is in use and to choose another', async () => {
    const port = await freePort();
    occupied = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => occupied?.once('listening', r));
    const env = { DATABASE_URL: databaseUrlFor(dialect, 'inuse'), SWITCHBOARD_SECRET: SECRET, SANDBOX: 'false', PORT: String(port) };
    expectOneLine(runCli(['serve'], env), `port ${port}`, 'already in use', 'set PORT');
    // The stack is there for whoever asks for it.
    expect(runCli(['serve'], { ...env, LOG_LEVEL: 'debug' }).stderr).toContain('    at ');
  });
});

describe.each(dialects)('serve with a HOST that is not this machine (%s)', { timeout: 60_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'host'), SWITCHBOARD_SECRET: SECRET, SANDBOX: 'false', PORT: '0' };
  it('says so for a name that does not resolve', () => {
    expectOneLine(runCli(['serve'], { ...env, HOST: 'no-such-host.invalid' }), 'HOST no-such-host.invalid', 'set HOST');
  });
  it('says so for an address the machine does not have', () => {
    expectOneLine(runCli(['serve'], { ...env, HOST: '192.0.2.1' }), 'HOST 192.0.2.1', 'not an address of this machine');
  });
});

describe.runIf(dialects.includes('postgres'))('serve when PostgreSQL cannot be used', { timeout: 60_000 }, () => {
  it('says PostgreSQL is not reachable when nothing listens', async () => {
    const port = await freePort();
    expectOneLine(runCli(['serve'], { DATABASE_URL: postgresUrl({ port }), SWITCHBOARD_SECRET: SECRET }), 'cannot reach PostgreSQL', `127.0.0.1:${port}`, 'DATABASE_URL');
  });
  it('says the database does not exist', () => {
    expectOneLine(runCli(['serve'], { DATABASE_URL: postgresUrl({ database: 'no_such_db' }), SWITCHBOARD_SECRET: SECRET }), 'no_such_db', 'does not exist', 'DATABASE_URL');
  });
  it('says SWITCHBOARD_SECRET must be set', () => {
    expectOneLine(runCli(['serve'], { DATABASE_URL: inject('postgresUrl') }), 'SWITCHBOARD_SECRET must be set', 'openssl rand');
  });
  it('never prints the password', async () => {
    const url = new URL(postgresUrl({ port: await freePort() }));
    url.password = 'hunter2-secret';
    const r = runCli(['serve'], { DATABASE_URL: url.toString(), SWITCHBOARD_SECRET: SECRET });
    expectOneLine(r, 'cannot reach PostgreSQL');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe.runIf(dialects.includes('sqlite'))('serve on a read-only data folder (sqlite)', { timeout: 60_000 }, () => {
  it('says it cannot write there', (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-ro-'));
    // Tests run as root, which chmod does not stop: a read-only mount does.
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]).status !== 0) ctx.skip();
    try {
      const r = runCli(['serve'], { DATABASE_URL: `sqlite:${dir}/gw.db`, SANDBOX: 'false', PORT: '0' });
      expectOneLine(r, `cannot write ${dir}/`, 'read-only file system', 'writable');
    } finally {
      spawnSync('umount', [dir]);
      rmdirSync(dir);
    }
  });
});
