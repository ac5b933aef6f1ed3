import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { insertRecipients, applyRecipientChange, applyRecipientChanges, type RecipientChangeOf } from '../../src/broadcasts/recipient-store.ts';
import { planRecipientChange, responseRate, type RecipientChange } from '../../src/broadcasts/recipient-changes.ts';
import { findBroadcast, insertBroadcast, startDueScheduledBroadcasts, transitionBroadcast } from '../../src/broadcasts/store.ts';
import type { BroadcastRow } from '../../src/db/schema.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });

describe('a recipient change, planned (pure)', () => {
  type Current = Parameters<typeof planRecipientChange>[0];
  const pending: Current = { status: 'pending', sent_at: null, delivered_at: null, read_at: null, responded_at: null };
  const sent: Current = { ...pending, status: 'sent', sent_at: 1 };

  it.each<[string, Current, RecipientChange, Record<string, number> | null]>([
    ['sent from pending', pending, { kind: 'sent', at: 2, wamid: 'wamid.x' }, { pending_count: -1, sent_count: 1 }],
    ['sent twice', sent, { kind: 'sent', at: 2, wamid: 'wamid.x' }, null],
    ['failed before sending', pending, { kind: 'failed', at: 2, errorMessage: 'x', errorDetails: null }, { pending_count: -1, failed_count: 1 }],
    ['failed after Meta accepted it (counts as failed only)', sent, { kind: 'failed', at: 2, errorMessage: 'x', errorDetails: null }, { sent_count: -1, failed_count: 1 }],
    ['delivered', sent, { kind: 'delivered', at: 2 }, { delivered_count: 1 }],
    ['delivered before sent', pending, { kind: 'delivered', at: 2 }, null],
    ['read without a delivered receipt (read implies delivered)', sent, { kind: 'read', at: 2 }, { read_count: 1, delivered_count: 1 }],
    ['read after delivered', { ...sent, delivered_at: 2 }, { kind: 'read', at: 3 }, { read_count: 1 }],
    ['responded once', sent, { kind: 'responded', at: 2 }, { responded_count: 1 }],
    ['responded again', { ...sent, responded_at: 2 }, { kind: 'responded', at: 3 }, null],
    ['retried while pending', pending, { kind: 'retry', nextAttemptAt: 9 }, {}],
    ['outcome unknown while pending', pending, { kind: 'outcome_unknown', at: 9 }, {}],
  ])('%s', (_what, current, change, deltas) => {
    const plan = planRecipientChange(current, change);
    expect(plan === null ? null : plan.deltas).toEqual(deltas);
  });

  it.each([
    [45, 650, 6.9],
    [120, 950, 12.6],
    [15, 250, 6],
    [0, 0, 0],
  ])('response_rate of %i replies to %i sent is %d (§4)', (responded, sentCount, rate) => {
    expect(responseRate(responded, sentCount)).toBe(rate);
  });
});

describe.each(dialects)('broadcast counters kept with every recipient change (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  async function broadcastWith(count: number): Promise<{ broadcast: BroadcastRow; ids: string[] }> {
    const t = await newTenant(gw);
    const now = gw.clock.now();
    const broadcast = await insertBroadcast(gw.deps.database.db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: 'b', template: TEMPLATE, created_at: now });
    const rows = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), phone_number: `1415555${String(i).padStart(4, '0')}`, components: '[]', send_tag: `sbb_${randomUUID()}` }));
    expect(await insertRecipients(gw.deps.database.db, broadcast, rows, now)).toBe(count);
    return { broadcast, ids: rows.map((r) => r.id) };
  }

  /** The counters recomputed from the rows: what the kept counters must always equal (§4). */
  async function recount(broadcastId: string) {
    const rows = await gw.deps.database.db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId).execute();
    const n = (f: (r: (typeof rows)[number]) => boolean) => rows.filter(f).length;
    return {
      total_recipients: rows.length,
      pending_count: n((r) => r.status === 'pending'),
      sent_count: n((r) => r.status === 'sent'),
      failed_count: n((r) => r.status === 'failed'),
      delivered_count: n((r) => r.delivered_at !== null),
      read_count: n((r) => r.read_at !== null),
      responded_count: n((r) => r.responded_at !== null),
    };
  }
  async function kept(projectId: string, id: string) {
    const b = await findBroadcast(gw.deps.database.db, projectId, id);
    const { total_recipients, pending_count, sent_count, failed_count, delivered_count, read_count, responded_count } = b as BroadcastRow;
    return { total_recipients, pending_count, sent_count, failed_count, delivered_count, read_count, responded_count };
  }

  it('moves the counters with each change, and ignores repeated or late events', async () => {
    const { broadcast, ids } = await broadcastWith(4);
    const [a, b, c] = ids as [string, string, string];
    const apply = (id: string, change: RecipientChange) => applyRecipientChange(gw.deps.database.db, id, change, gw.clock.now());
    await apply(a, { kind: 'sent', at: 1, wamid: 'wamid.a' });
    await apply(a, { kind: 'delivered', at: 2 });
    await apply(a, { kind: 'delivered', at: 3 });
    await apply(a, { kind: 'read', at: 4 });
    await apply(a, { kind: 'responded', at: 5 });
    await apply(b, { kind: 'sent', at: 1, wamid: 'wamid.b' });
    await apply(b, { kind: 'failed', at: 2, errorMessage: 'Invalid phone number', errorDetails: { error_code: '131047', error_subcode: '2494055' } });
    expect(await apply(c, { kind: 'read', at: 2 })).toBeUndefined();
    expect(await kept(broadcast.project_id, broadcast.id)).toEqual({ total_recipients: 4, pending_count: 2, sent_count: 1, failed_count: 1, delivered_count: 1, read_count: 1, responded_count: 1 });
    expect(await kept(broadcast.project_id, broadcast.id)).toEqual(await recount(broadcast.id));
    const failed = await gw.deps.database.db.selectFrom('broadcast_recipients').selectAll().where('id', '=', b).executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'failed', sent_at: 1, failed_at: 2, error_message: 'Invalid phone number', wamid: 'wamid.b' });
  });

  it('keeps the counters equal to the rows under concurrent changes to the same recipients', async () => {
    const { broadcast, ids } = await broadcastWith(20);
    const changes: Array<[string, RecipientChange]> = ids.flatMap((id, i) => [
      [id, { kind: 'sent', at: 1, wamid: `wamid.${i}` }],
      [id, { kind: 'delivered', at: 2 }],
      [id, { kind: 'read', at: 3 }],
      [id, { kind: i % 3 === 0 ? 'failed' : 'responded', at: 4, errorMessage: 'x', errorDetails: null } as RecipientChange],
      [id, { kind: 'sent', at: 5, wamid: `wamid.again.${i}` }],
    ]);
    await Promise.all(changes.map(([id, change]) => applyRecipientChange(gw.deps.database.db, id, change, gw.clock.now())));
    expect(await kept(broadcast.project_id, broadcast.id)).toEqual(await recount(broadcast.id));
  });

  it('keeps the counters equal to the rows when batches of changes, several per recipient, race each other', async () => {
    const { broadcast, ids } = await broadcastWith(20);
    const batchOf = (offset: number): RecipientChangeOf[] =>
      ids.flatMap((recipientId, i) => [
        { recipientId, change: { kind: 'sent', at: 1 + offset, wamid: `wamid.${i}` } },
        { recipientId, change: { kind: 'delivered', at: 2 + offset } },
        { recipientId, change: (i + offset) % 3 === 0 ? { kind: 'failed', at: 3, errorMessage: 'Message undeliverable', errorDetails: { error_code: '131026', error_subcode: '' } } : { kind: 'read', at: 3 } },
        { recipientId, change: { kind: 'responded', at: 4 + offset } },
      ] satisfies RecipientChangeOf[]);
    const db = gw.deps.database.db;
    await Promise.all([0, 1, 2, 3].map((offset) => db.transaction().execute((trx) => applyRecipientChanges(trx, batchOf(offset), gw.clock.now()))));
    expect(await kept(broadcast.project_id, broadcast.id)).toEqual(await recount(broadcast.id));
    const rows = await db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcast.id).execute();
    // Each recipient was sent once, whichever batch won, and a failure kept Meta's error.
    expect(rows.every((r) => r.sent_at !== null && r.wamid !== null)).toBe(true);
    for (const r of rows.filter((row) => row.status === 'failed')) {
      expect(r).toMatchObject({ error_message: 'Message undeliverable', failed_at: 3 });
      expect(typeof r.error_details === 'string' ? JSON.parse(r.error_details) : r.error_details).toEqual({ error_code: '131026', error_subcode: '' });
    }
  });

  it('adds nothing to a broadcast that left draft or scheduled', async () => {
    const { broadcast } = await broadcastWith(1);
    await transitionBroadcast(gw.deps.database.db, broadcast.project_id, broadcast.id, ['draft'], { status: 'sending', started_at: 1, updated_at: 1 });
    const late = [{ id: randomUUID(), phone_number: '14155559999', components: '[]', send_tag: `sbb_${randomUUID()}` }];
    expect(await insertRecipients(gw.deps.database.db, broadcast, late, 1)).toBeNull();
    expect(await recount(broadcast.id)).toMatchObject({ total_recipients: 1 });
  });

  it('starts scheduled broadcasts whose time has come, and only those', async () => {
    const { broadcast: due } = await broadcastWith(1);
    const { broadcast: later } = await broadcastWith(1);
    const now = gw.clock.now();
    const db = gw.deps.database.db;
    await transitionBroadcast(db, due.project_id, due.id, ['draft'], { status: 'scheduled', scheduled_at: now - 1, updated_at: now });
    await transitionBroadcast(db, later.project_id, later.id, ['draft'], { status: 'scheduled', scheduled_at: now + 60_000, updated_at: now });
    const started = await startDueScheduledBroadcasts(db, now);
    expect(started.map((b) => b.id)).toContain(due.id);
    expect(started.map((b) => b.id)).not.toContain(later.id);
    expect(await findBroadcast(db, due.project_id, due.id)).toMatchObject({ status: 'sending', started_at: now });
  });
});
