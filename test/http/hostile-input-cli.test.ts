import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { fuzzOptions } from '../helpers/hostile.ts';

/** Commands that take values (not serve/worker/simulator, which run until stopped), with their flags. */
const COMMANDS: Array<{ args: string[]; flags: string[] }> = [
  { args: ['projects', 'create'], flags: ['--name'] },
  { args: ['keys', 'create'], flags: ['--project'] },
  { args: ['keys', 'revoke'], flags: ['--key'] },
  { args: ['numbers', 'add'], flags: ['--project', '--phone-number-id', '--display-phone-number', '--waba-id', '--access-token', '--app-secret', '--verify-token'] },
  { args: ['numbers', 'list'], flags: ['--project'] },
  { args: ['webhooks', 'add'], flags: ['--project', '--phone-number-id', '--url'] },
  { args: ['webhooks', 'deliveries'], flags: ['--project', '--status', '--event', '--webhook', '--period', '--limit'] },
  { args: ['webhooks', 'redeliver'], flags: ['--project', '--delivery', '--since', '--until'] },
  { args: ['media', 'retry'], flags: ['--since', '--project'] },
];

// Flag values a process can carry (no NUL in argv), hostile otherwise.
const flagValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom('', '-1', '0', '1e309', 'NaN', "' or 1=1 --", '00000000-0000-0000-0000-000000000000', 'x'.repeat(5000), '2026-13-45', '--json', 'http://169.254.169.254/', '\uffff0', '\ud83d\ude00'),
);

/**
 * Each command's flags with hostile values, through the real binary (a small seeded sample: each
 * run is a process). A refusal is exit 1 with one line on stderr, never a crash with a stack.
 */
describe.each(dialects)('hostile flags to every CLI command (%s)', { timeout: 180_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-fuzz'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };

  it('exits 0 or 1 with at most one line of error and no stack trace', () => {
    fc.assert(
      fc.property(fc.constantFrom(...COMMANDS), fc.array(flagValue, { minLength: 7, maxLength: 7 }), fc.boolean(), (command, values, json) => {
        const args = [...command.args, ...command.flags.flatMap((flag, i) => [flag, values[i] ?? '']), ...(json ? ['--json'] : [])];
        const r = runCli(args, env);
        const what = `switchboard ${args.join(' ').slice(0, 300)} → ${r.status}\n${r.stderr.slice(0, 800)}`;
        expect([0, 1], what).toContain(r.status);
        expect(r.stderr, what).not.toMatch(/\n\s+at /);
        // The notice that a new store was created (the first command on a fresh SQLite file) is not an error line.
        const errorLines = r.stderr.trim().split('\n').filter((line) => !line.startsWith('switchboard: created a new store'));
        if (r.status === 1) expect(errorLines.length, what).toBeLessThanOrEqual(1);
      }),
      fuzzOptions(3),
    );
  });
});
