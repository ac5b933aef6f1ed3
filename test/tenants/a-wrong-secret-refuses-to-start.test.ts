import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { isolatedDatabaseUrlFor, dialects } from '../helpers/dialects.ts';

describe.each(dialects)('a SWITCHBOARD_SECRET that does not open the stored secrets (%s)', { timeout: 300_000 }, (dialect) => {
  it('refuses to start serve and secret-reading commands with one line naming SWITCHBOARD_SECRET', () => {
    const url = isolatedDatabaseUrlFor(dialect, 'wrong-secret');
    const a = { DATABASE_URL: url, SWITCHBOARD_SECRET: 'secret-A-0123456789abcdefghijklmnopqrstuv', LOG_LEVEL: 'warn' };
    const b = { ...a, SWITCHBOARD_SECRET: 'secret-B-0123456789abcdefghijklmnopqrstuv' };
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'sealed'], a);
    const pnid = `4${Date.now()}`;
    runCliJson(['numbers', 'add', '--project', project.id, '--phone-number-id', pnid, '--display-phone-number', '+15550102030', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', `v${pnid}`], a);
    for (const args of [['serve'], ['numbers', 'list', '--json']]) {
      const r = runCli(args, { ...b, PORT: '0' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trim().split('\n'), r.stderr).toEqual([expect.stringMatching(/^switchboard: SWITCHBOARD_SECRET does not match the secret this database's secrets were sealed with/)]);
    }
    expect(runCliJson<{ phone_numbers: unknown[] }>(['numbers', 'list'], a).phone_numbers).toHaveLength(1);
  });
});
