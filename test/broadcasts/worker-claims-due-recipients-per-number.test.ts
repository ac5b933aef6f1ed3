import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { claimDueRecipients, releaseClaimedRecipients } from '../../src/broadcasts/claim-store.ts';
import { markLostSends } from '../../src/broadcasts/send-store.ts';
import { applyRecipientChange, insertRecipients } from '../../src/broadcasts/recipient-store.ts';
import { insertBroadcast, transitionBroadcast } from '../../src/broadcasts/store.ts';
import type { BroadcastStatus } from '../../src/db/schema.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });

describe.each(dialects)('the broadcast worker’s claim of due recipients (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  async function broadcastOn(t: { projectId: string; phoneNumberId: string }, status: BroadcastStatus, count: number) {
    const db = gw.deps.database.db;
    const broadcast = await insertBroadcast(db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: 'b', template: TEMPLATE, created_at: 0 });
    const rows = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), phone_number: `1415556${String(i).padStart(4, '0')}`, components: '[]', send_tag: `sbb_${randomUUID()}` }));
    await insertRecipients(db, broadcast, rows, 0);
    if (status !== 'draft') await transitionBroadcast(db, t.projectId, broadcast.id, ['draft'], { status, updated_at: 0 });
    return rows.map((r) => r.id);
  }

  it('claims one number’s due recipients of sending broadcasts, oldest first, once per lease', async () => {
    const t = await newTenant(gw);
    const other = await newTenant(gw);
    const sending = await broadcastOn(t, 'sending', 3);
    await broadcastOn(t, 'draft', 2);
    await broadcastOn(t, 'stopped', 2);
    await broadcastOn(other, 'sending', 2);
    const db = gw.deps.database.db;
    const lease = { phoneNumberId: t.phoneNumberId, workerId: 'w1', now: 1_000, leaseMs: 30_000, limit: 2 };
    const first = await claimDueRecipients(db, lease);
    expect(first.map((r) => r.id)).toEqual(sending.slice(0, 2));
    expect(first[0]).toMatchObject({ locked_by: 'w1', locked_until: 31_000, attempts: 1 });
    expect((await claimDueRecipients(db, { ...lease, workerId: 'w2' })).map((r) => r.id)).toEqual(sending.slice(2));
    expect(await claimDueRecipients(db, { ...lease, workerId: 'w2' })).toEqual([]);
    // A dead worker's lease runs out: its recipients are not claimed again blindly (they may
    // have been sent); they become lost sends, resolved from Meta's status webhooks first.
    expect(await claimDueRecipients(db, { ...lease, workerId: 'w3', now: 31_000, limit: 10 })).toEqual([]);
    expect(await markLostSends(db, [t.phoneNumberId], 31_000)).toBe(3);
    expect(await claimDueRecipients(db, { ...lease, workerId: 'w3', now: 31_000, limit: 10 })).toEqual([]);
    const lost = await db.selectFrom('broadcast_recipients').select(['id', 'outcome_unknown_at', 'locked_by']).where('id', 'in', sending).orderBy('seq').execute();
    expect(lost).toEqual(sending.map((id) => ({ id, outcome_unknown_at: 31_000, locked_by: null })));
  });

  it('leaves sent recipients and those whose outcome is unknown unclaimed', async () => {
    const t = await newTenant(gw);
    const [sent, unknown, due] = (await broadcastOn(t, 'sending', 3)) as [string, string, string];
    const db = gw.deps.database.db;
    await applyRecipientChange(db, sent, { kind: 'sent', at: 1, wamid: 'wamid.s' }, 1);
    await applyRecipientChange(db, unknown, { kind: 'outcome_unknown', at: 1 }, 1);
    expect((await claimDueRecipients(db, { phoneNumberId: t.phoneNumberId, workerId: 'w', now: 1_000, leaseMs: 1_000, limit: 10 })).map((r) => r.id)).toEqual([due]);
  });

  it('hands claimed recipients of a broadcast stopped meanwhile back untouched: due, unleased, no attempt counted', async () => {
    const t = await newTenant(gw);
    const ids = await broadcastOn(t, 'sending', 2);
    const db = gw.deps.database.db;
    const lease = { phoneNumberId: t.phoneNumberId, workerId: 'w1', now: 1_000, leaseMs: 30_000, limit: 2 };
    expect((await claimDueRecipients(db, lease)).map((r) => r.id)).toEqual(ids);
    // Another worker's lease is not its to release.
    await releaseClaimedRecipients(db, 'w2', ids, 2_000);
    expect(await claimDueRecipients(db, { ...lease, workerId: 'w3', now: 2_000 })).toEqual([]);
    await releaseClaimedRecipients(db, 'w1', ids, 2_000);
    const rows = await db.selectFrom('broadcast_recipients').select(['id', 'status', 'locked_by', 'locked_until', 'next_attempt_at', 'attempts']).where('id', 'in', ids).orderBy('seq').execute();
    expect(rows).toEqual(ids.map((id) => ({ id, status: 'pending', locked_by: null, locked_until: null, next_attempt_at: 2_000, attempts: 0 })));
    expect((await claimDueRecipients(db, { ...lease, workerId: 'w3', now: 2_000 })).map((r) => r.id)).toEqual(ids);
  });
});
