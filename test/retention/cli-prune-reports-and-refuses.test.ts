import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { runCli, runCliJson, startServe } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { startMediaGateway } from '../media/helpers.ts';
import { historyCounts, seedHistory } from './helpers.ts';

describe.each(dialects)('switchboard prune on the command line (%s)', { timeout: 60_000 }, (dialect) => {
  let gw: TestGateway;
  let env: Record<string, string>;
  beforeAll(async () => {
    const media = mkdtempSync(join(tmpdir(), 'switchboard-prune-'));
    gw = await startMediaGateway(dialect, new FileBlobStore(media));
    // The CLI runs on the real clock: so does the gateway here.
    gw.clock.set(Date.now());
    env = { DATABASE_URL: gw.deps.config.db.url, SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn', MEDIA_STORE: `file:${media}` };
  });
  afterAll(() => gw.close());

  it('--dry-run counts and changes nothing; the real run removes what it counted and prints it', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    const before = await historyCounts(gw, t.phoneNumberId);
    const args = ['prune', '--before', '30d', '--project', t.projectId];

    const dry = runCliJson(args.concat('--dry-run'), env);
    expect(dry).toMatchObject({ dryRun: true, mediaOnly: false, messages: 4, statuses: 4, media: 2, blobs: 1, bytes: seeded.ownBytes, conversations: 1 });
    expect(await historyCounts(gw, t.phoneNumberId)).toEqual(before);

    const human = runCli(args, env);
    expect(human.status).toBe(0);
    expect(human.stdout.trim()).toMatch(/^deleted 4 messages, 4 status events, 2 media rows, 1 media file \(\d+ bytes\) and 1 conversation before \d{4}-\d\d-\d\dT/);
    expect((await historyCounts(gw, t.phoneNumberId)).messages).toBe(2);
    expect(await gw.deps.blobs.exists(seeded.keys.own)).toBe(false);
  });

  it('--media-only keeps the messages', async () => {
    const t = await newTenant(gw);
    await seedHistory(gw, t);
    const report = runCliJson(['prune', '--before', new Date(Date.now() - 30 * 86_400_000).toISOString(), '--media-only', '--project', t.projectId], env);
    expect(report).toMatchObject({ mediaOnly: true, messages: 0, media: 2, blobs: 1 });
    expect((await historyCounts(gw, t.phoneNumberId)).messages).toBe(6);
  });

  // On SQLite only: this gateway's file is its own, where a PostgreSQL serve would prune the shared test schema.
  it.runIf(dialect === 'sqlite')('serve with RETENTION_DAYS reports the prune ready and prunes at start', async () => {
    const t = await newTenant(gw);
    const seeded = await seedHistory(gw, t);
    const serve = await startServe({ ...env, RETENTION_DAYS: '30', SANDBOX: 'false' });
    try {
      let pruned = false;
      for (let i = 0; i < 100 && !pruned; i++) {
        pruned = (await historyCounts(gw, t.phoneNumberId)).messages === seeded.recent.length;
        if (!pruned) await new Promise((r) => setTimeout(r, 100));
      }
      expect(pruned).toBe(true);
      const ready = (await (await fetch(`${serve.base}/readyz`)).json()) as { checks: Record<string, string> };
      expect(ready.checks.retention_prune).toBe('ok');
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
  });

  // Each value's reading is proved on the pure parser (before-accepts-dates-and-ages-in-days.test.ts): here, that the command says it in one line.
  it('refuses a missing, malformed or future --before, and an unknown project, with one line', { timeout: 120_000 }, () => {
    const cases: Array<[string[], RegExp]> = [
      [['prune'], /^switchboard: give --before <date>/],
      [['prune', '--before', 'last week'], /^switchboard: --before must be an ISO 8601 date or date-time .* or an age in days \(90d\), got 'last week'$/],
      [['prune', '--before', '2999-01-01'], /^switchboard: --before must not be in the future, got '2999-01-01'/],
      [['prune', '--before', '30d', '--project', 'no-such-project'], /^switchboard: no project no-such-project$/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, env);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });
});
