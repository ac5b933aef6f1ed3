import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

/**
 * The sandbox's simulated Meta lives inside one SQLite `serve` process: a sandbox created
 * elsewhere would be a number nothing answers for, so `switchboard sandbox` refuses and says what
 * to do instead, and creates nothing.
 */
describe.runIf(dialects.includes('postgres'))('switchboard sandbox on PostgreSQL', { timeout: 60_000 }, () => {
  it('refuses in one line, pointing at `numbers add` and the simulator, and creates no project', () => {
    const env = { DATABASE_URL: isolatedDatabaseUrlFor('postgres', 'nosandbox'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop' };
    const r = runCli(['sandbox', '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^switchboard: the sandbox runs only on the embedded SQLite store .*switchboard numbers add.*switchboard simulator/);
    expect(runCliJson<{ projects: unknown[] }>(['projects', 'list'], env).projects).toEqual([]);
  });
});

describe.runIf(dialects.includes('sqlite'))('switchboard sandbox with SANDBOX=false (sqlite)', { timeout: 60_000 }, () => {
  it('refuses, since serve would not run it', () => {
    const env = { DATABASE_URL: databaseUrlFor('sqlite', 'nosandbox'), SANDBOX: 'false' };
    const r = runCli(['sandbox', '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('SANDBOX=false');
    expect(runCliJson<{ projects: unknown[] }>(['projects', 'list'], env).projects).toEqual([]);
  });
});
