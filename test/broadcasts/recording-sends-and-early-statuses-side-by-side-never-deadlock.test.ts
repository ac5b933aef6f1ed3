import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRecipientChanges, insertRecipients, type RecipientChangeOf } from '../../src/broadcasts/recipient-store.ts';
import { recordAcceptedTags } from '../../src/broadcasts/send-store.ts';
import { insertBroadcast } from '../../src/broadcasts/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const TEMPLATE = JSON.stringify({ id: '1', name: 't', language: 'en_US', category: 'UTILITY', status: 'APPROVED', parameter_format: 'POSITIONAL', components: [] });

/**
 * On PostgreSQL the worker records Meta's answers for a batch of recipients while the outbox's
 * follow-up records, for the same recipients, the tagged statuses that beat it (a fast
 * broadcast's statuses nearly always do). Each locked the rows in its own order, and the two
 * deadlocked: PostgreSQL aborted one of them after a second, over and over. Both now lock the
 * rows they change in the order of their ids.
 */
describe.runIf(dialects.includes('postgres'))('recording sends and early statuses of the same recipients at once (postgres)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway('postgres');
  });
  afterAll(() => gw.close());

  it('never deadlocks, and both records land', async () => {
    const t = await newTenant(gw);
    const db = gw.deps.database.db;
    for (let round = 0; round < 8; round++) {
      const now = gw.clock.now();
      const broadcast = await insertBroadcast(db, { id: randomUUID(), project_id: t.projectId, phone_number_id: t.phoneNumberId, name: `b${round}`, template: TEMPLATE, created_at: now });
      const rows = Array.from({ length: 40 }, (_, i) => ({ id: randomUUID(), phone_number: `1415555${String(i).padStart(4, '0')}`, components: '[]', send_tag: `sbb_${randomUUID()}` }));
      await insertRecipients(db, broadcast, rows, now);
      const wamidOf = (tag: string) => `wamid.${tag}`;
      // The worker's batch in the order its answers came; the statuses in another.
      const answers: RecipientChangeOf[] = [...rows].reverse().map((r) => ({ recipientId: r.id, change: { kind: 'sent', at: now, wamid: wamidOf(r.send_tag) } }));
      const statuses = new Map(rows.map((r) => [r.send_tag, wamidOf(r.send_tag)]));
      const outcomes = await Promise.allSettled([
        // The recorder writes in rounds; a change that lost a race goes one by one: both paths.
        db.transaction().execute((trx) => applyRecipientChanges(trx, answers, now, { inRounds: round % 2 === 0 })),
        db.transaction().execute((trx) => recordAcceptedTags(trx, statuses, now)),
      ]);
      expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const stored = await db.selectFrom('broadcast_recipients').select(['status', 'wamid', 'send_tag']).where('broadcast_id', '=', broadcast.id).execute();
      expect(stored.every((r) => r.status === 'sent' && r.wamid === wamidOf(r.send_tag))).toBe(true);
    }
  }, 60_000);
});
