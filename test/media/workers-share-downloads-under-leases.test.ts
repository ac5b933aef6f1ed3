import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimDueMedia, extendMediaLeases, requeueFailedMedia } from '../../src/media/claim-store.ts';
import { insertMediaJob, markMediaFailed, markMediaStored } from '../../src/media/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, startMediaGateway } from './helpers.ts';

const LEASE_MS = 60_000;
const STORED = { storageKey: `sha256/ab/${'ab'.repeat(32)}`, sha256: 'ab'.repeat(32), byteSize: 10, contentType: 'image/jpeg' };

describe.each(dialects)('media workers claiming downloads (%s)', (dialect) => {
  let gw: TestGateway;
  let now: number;
  const db = () => gw.deps.database.db;
  const claim = (workerId: string, limit = 10, at = now) => claimDueMedia(db(), { workerId, now: at, leaseMs: LEASE_MS, limit, perProject: 100 });
  /** Queues `n` downloads of a fresh tenant, due at `now`; returns their ids. */
  const queue = async (n: number, at = now) => {
    const t = await newTenant(gw);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const job = { projectId: t.projectId, phoneNumberId: t.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: '1', direction: 'inbound' as const, mimeType: 'image/jpeg', filename: null };
      ids.push((await insertMediaJob(db(), job, at)) as string);
    }
    return { t, ids };
  };

  beforeAll(async () => {
    gw = await startMediaGateway(dialect, newStore('file', undefined).store, {}, { isolated: true });
    now = gw.clock.now();
  });
  afterAll(() => gw.close());
  // Each test starts with nothing due: what earlier tests left is leased far into the future.
  beforeEach(async () => {
    while ((await claim('bystander', 100, now + 100 * LEASE_MS)).length > 0);
  });

  it('never hands one download to two workers claiming at once', async () => {
    const { ids } = await queue(6);
    const [a, b] = await Promise.all([claim('w1', 3), claim('w2', 10)]);
    const claimed = [...(a ?? []), ...(b ?? [])].map((m) => m.id);
    expect(claimed.sort()).toEqual([...ids].sort());
    expect(new Set(claimed).size).toBe(6);
    expect(a?.length).toBe(3);
    expect(a?.every((m) => m.locked_by === 'w1' && m.attempts === 1 && m.locked_until === now + LEASE_MS)).toBe(true);
  });

  it('claims the oldest due download first and leaves those not yet due', async () => {
    const later = await queue(1, now + 1_000);
    const older = await queue(1, now - 1_000);
    const first = await queue(1, now);
    expect((await claim('w1', 1)).map((m) => m.id)).toEqual(older.ids);
    expect((await claim('w1', 5)).map((m) => m.id)).toEqual(first.ids);
    expect((await claim('w1', 5, now + 1_000)).map((m) => m.id)).toEqual(later.ids);
  });

  it("takes back a dead worker's download once its lease ends, counting a second attempt", async () => {
    const { ids } = await queue(1);
    expect((await claim('w1')).map((m) => m.id)).toEqual(ids);
    expect(await claim('w2', 10, now + LEASE_MS - 1)).toEqual([]);
    expect(await claim('w2', 10, now + LEASE_MS)).toMatchObject([{ id: ids[0], locked_by: 'w2', attempts: 2 }]);
  });

  it('keeps a renewed lease out of other claims, and lets only the holder record the outcome', async () => {
    const { ids } = await queue(2);
    const [kept, lost] = ids as [string, string];
    await claim('w1');
    await extendMediaLeases(db(), [kept], 'w1', now + 3 * LEASE_MS);
    expect((await claim('w2', 10, now + LEASE_MS)).map((m) => m.id)).toEqual([lost]);
    // w1 took too long over `lost`: what it records now changes nothing, w2's outcome stands.
    await markMediaFailed(db(), lost, 'late', now + LEASE_MS, { lockedBy: 'w1' });
    await markMediaStored(db(), lost, STORED, now + LEASE_MS, { lockedBy: 'w2' });
    await markMediaStored(db(), kept, STORED, now + LEASE_MS, { lockedBy: 'w1' });
    const rows = await db().selectFrom('media').select(['id', 'state', 'locked_by']).where('id', 'in', ids).orderBy('id').execute();
    expect(rows).toEqual(
      [
        { id: kept, state: 'stored', locked_by: null },
        { id: lost, state: 'stored', locked_by: null },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
  });

  it('queues failed downloads again, since an instant and of one project, keeping their attempts', async () => {
    const mine = await queue(2);
    const other = await queue(1);
    await claim('w1');
    const [early, late] = mine.ids as [string, string];
    await markMediaFailed(db(), early, 'gone', now - 10_000);
    await markMediaFailed(db(), late, 'gone', now + 10_000);
    await markMediaFailed(db(), other.ids[0] as string, 'gone', now + 10_000);

    expect(await requeueFailedMedia(db(), { sinceMs: now, projectId: mine.t.projectId, now: now + 20_000 })).toBe(1);
    expect(await claim('w1', 10, now + 20_000)).toMatchObject([{ id: late, attempts: 2, failure_reason: 'gone' }]);
    expect(await requeueFailedMedia(db(), { sinceMs: now - 60_000, now: now + 30_000 })).toBe(2);
  });
});
