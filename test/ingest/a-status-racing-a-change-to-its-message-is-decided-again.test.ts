import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestWebhooks } from '../../src/ingest/ingest.ts';
import { normalizeWebhook } from '../../src/ingest/normalize.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { storeOutboundText } from '../helpers/outbound.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { statusesWebhook, statusItem } from '../helpers/webhooks.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * PostgreSQL: a batch reads its messages' statuses and applies its new ones in a second statement
 * (compare-and-set). A message whose status another transaction changed in between (the send
 * path marks a message read without taking its lock) must not be left as it was: its statuses are
 * decided again on the status it now has.
 */
// Snapshots and row locks are PostgreSQL's (SQLite has one writer); skipped only when a local run
// narrows TEST_DIALECTS to sqlite.
describe.skipIf(!dialects.includes('postgres'))('a status batch racing a change to its message (postgres)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway('postgres');
  });
  afterAll(() => gw.close());

  it('applies the status to the message as it now stands and fires its event', async () => {
    const t = await newTenant(gw);
    const { db } = gw.deps.database;
    const wamid = `wamid.RACE-${randomUUID()}`;
    await storePendingOutbound(t.phoneNumberId, wamid);

    // Another transaction moves the message on and holds its row until it commits.
    const other = await db.startTransaction().execute();
    await other.updateTable('messages').set({ status: 'sent' }).where('phone_number_id', '=', t.phoneNumberId).where('id', '=', wamid).execute();
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(other);
    const otherPid = rows[0]?.pid as number;

    const webhook = normalizeWebhook(JSON.parse(statusesWebhook(t.phoneNumberId, [statusItem(wamid, 'delivered', 1767268805)])));
    const ctx = { now: gw.clock.now(), inactivityMs: gw.deps.config.conversations.inactivityMs };
    const storing = db.transaction().execute((trx) => ingestWebhooks(trx, [{ webhook, ctx, forwards: new Map() }]));
    // The batch read `pending` and now waits on the other transaction's row to apply `delivered`.
    await waitFor('the status waits on the locked message', async () => (await waitersOn(otherPid)) > 0);
    await other.commit().execute();
    const [outcome] = await storing;

    expect(outcome).toMatchObject({ statusesStored: 1, duplicateStatuses: 0 });
    const message = await db.selectFrom('messages').select(['status']).where('phone_number_id', '=', t.phoneNumberId).where('id', '=', wamid).executeTakeFirst();
    expect(message?.status).toBe('delivered');
    const events = await db.selectFrom('events').select(['type']).where('message_id', '=', wamid).orderBy('seq').execute();
    expect(events.map((e) => e.type)).toEqual(['whatsapp.message.delivered']);
  });

  /** How many backends wait for a transaction id the given backend holds. */
  async function waitersOn(pid: number): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks waiting
      join pg_locks holding on holding.locktype = 'transactionid' and holding.transactionid = waiting.transactionid and holding.granted
      where waiting.locktype = 'transactionid' and not waiting.granted and holding.pid = ${pid}`.execute(gw.deps.database.db);
    return rows[0]?.n ?? 0;
  }

  async function storePendingOutbound(phoneNumberId: string, wamid: string): Promise<void> {
    await storeOutboundText(gw, phoneNumberId, wamid);
  }
});
