import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

describe.each(dialects)('switchboard numbers add, update and remove (%s)', { timeout: 300_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-numbers'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };
  const project = () => runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'numbers'], env).project.id;
  let next = 0;
  const freshId = () => `9${Date.now()}${next++}`;
  const addArgs = (projectId: string, pnid: string, over: Record<string, string> = {}) => {
    const flags = { '--phone-number-id': pnid, '--display-phone-number': '+1 (555) 010-2030', '--waba-id': '109876543210987', '--access-token': 't', '--app-secret': 's', '--verify-token': `v${pnid}`, ...over };
    return ['numbers', 'add', '--project', projectId, ...Object.entries(flags).flat()];
  };
  const refused = (args: string[], line: RegExp) => {
    const r = runCli(args, env);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(line);
  };
  // Every spawn costs most of a second: the tests that never list a project's numbers share one.
  let shared = '';
  beforeAll(() => {
    shared = project();
  }, 60_000);

  it('refuses ids that are not Meta ids, a display number that is not E.164 and an empty verify token, naming the flag', () => {
    const p = shared;
    refused(addArgs(p, 'abc'), /--phone-number-id must be Meta's numeric id/);
    refused(addArgs(p, freshId(), { '--display-phone-number': '555' }), /--display-phone-number must be an E\.164 number/);
    refused(addArgs(p, freshId(), { '--waba-id': 'waba' }), /--waba-id must be Meta's numeric id/);
    refused(addArgs(p, freshId(), { '--verify-token': '' }), /--verify-token must not be empty/);
  });

  it('sets the rate its sends are paced to, back to the default with `default`, refusing what Meta has no level for', () => {
    const p = shared;
    const pnid = freshId();
    runCliJson(addArgs(p, pnid), env);
    const set = runCliJson<{ phone_number: Record<string, unknown> }>(['numbers', 'update', '--phone-number-id', pnid, '--max-messages-per-second', '250'], env);
    expect(set.phone_number).toMatchObject({ id: pnid, max_messages_per_second: 250 });
    refused(['numbers', 'update', '--phone-number-id', pnid, '--max-messages-per-second', '1001'], /--max-messages-per-second must be a whole number from 1 to 1000/);
    refused(['numbers', 'update', '--phone-number-id', pnid, '--max-messages-per-second', 'fast'], /--max-messages-per-second must be a whole number from 1 to 1000, or 'default'/);
    const reset = runCliJson<{ phone_number: Record<string, unknown> }>(['numbers', 'update', '--phone-number-id', pnid, '--max-messages-per-second', 'default'], env);
    expect(reset.phone_number.max_messages_per_second).toBeNull();
  });

  it('updates a number, printing it in E.164 without its secrets, and refuses what add refuses', () => {
    const p = project();
    const pnid = freshId();
    runCliJson(addArgs(p, pnid), env);
    const updated = runCliJson<{ phone_number: Record<string, string> }>(
      ['numbers', 'update', '--phone-number-id', pnid, '--display-phone-number', '44 20 7946 0958', '--access-token', 'EAAG-rotated', '--verify-token', 'v2'],
      env,
    );
    expect(updated.phone_number).toMatchObject({ id: pnid, project_id: p, display_phone_number: '+442079460958', waba_id: '109876543210987' });
    expect(JSON.stringify(updated)).not.toContain('EAAG-rotated');
    const listed = runCliJson<{ phone_numbers: Array<{ display_phone_number: string }> }>(['numbers', 'list', '--project', p], env);
    expect(listed.phone_numbers.map((n) => n.display_phone_number)).toEqual(['+442079460958']);
    refused(['numbers', 'update', '--phone-number-id', pnid, '--waba-id', '12'], /--waba-id must be Meta's numeric id/);
    refused(['numbers', 'update', '--phone-number-id', pnid], /nothing to update/);
    refused(['numbers', 'update', '--phone-number-id', '123456789', '--verify-token', 'x'], /no phone number 123456789/);
  });

  it('removes a number only when told what happens to its history; kept, the project can add it back, deleted, anyone can', () => {
    const p = project();
    const pnid = freshId();
    runCliJson(addArgs(p, pnid), env);
    refused(['numbers', 'remove', '--phone-number-id', pnid], /--keep-history and --delete-history/);
    expect(runCliJson(['numbers', 'remove', '--phone-number-id', pnid, '--keep-history'], env)).toEqual({ removed: true, history: 'kept' });
    expect(runCliJson<{ phone_numbers: unknown[] }>(['numbers', 'list', '--project', p], env).phone_numbers).toEqual([]);
    refused(['numbers', 'remove', '--phone-number-id', pnid, '--keep-history'], /no phone number/);
    refused(addArgs(project(), pnid), /removed from another project with its history kept/);
    runCliJson(addArgs(p, pnid), env);
    expect(runCliJson(['numbers', 'remove', '--phone-number-id', pnid, '--delete-history'], env)).toEqual({ removed: true, history: 'deleted' });
    runCliJson(addArgs(project(), pnid), env);
  });

  it('says an unknown project does not exist when listing its numbers', () => {
    refused(['numbers', 'list', '--project', 'nope'], /^switchboard: no project nope$/m);
  });
});
