import type { Kysely } from 'kysely';
import { executeRead } from '../db/executor.ts';
import type { DB } from '../db/schema.ts';

/*
 * The gauges read at scrape time (scrape-gauges.ts). Each is one aggregate over a partial index
 * that holds only the rows still waiting (events_undispatched, deliveries_due, media_due), so a
 * scrape costs in proportion to the backlog, not to the history. They run through the committed
 * reader where there is one, so a scrape never waits for the writer.
 */

/** Outbox events not yet fanned out into deliveries. */
export async function countUndispatchedEvents(db: Kysely<DB>): Promise<number> {
  const [row] = await executeRead(db, db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('n')).where('dispatched_at', 'is', null));
  return Number(row?.n ?? 0);
}

/** Webhook deliveries not yet delivered nor given up (due now or waiting for a retry). */
export async function countPendingDeliveries(db: Kysely<DB>): Promise<number> {
  const [row] = await executeRead(db, db.selectFrom('deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending'));
  return Number(row?.n ?? 0);
}

/** When the oldest event that is not yet delivered everywhere was written (epoch ms); null when none waits. */
export async function oldestUndeliveredEventAt(db: Kysely<DB>): Promise<number | null> {
  const [undispatched] = await executeRead(db, db.selectFrom('events').select((eb) => eb.fn.min<number>('created_at').as('at')).where('dispatched_at', 'is', null));
  const [pending] = await executeRead(
    db,
    db
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .select((eb) => eb.fn.min<number>('events.created_at').as('at'))
      .where('deliveries.status', '=', 'pending'),
  );
  const times = [undispatched?.at, pending?.at].filter((at) => at !== null && at !== undefined).map(Number);
  return times.length > 0 ? Math.min(...times) : null;
}

/** Media files waiting: queued by ingest and not yet taken up, plus those waiting to be downloaded (or retried). */
export async function countWaitingMedia(db: Kysely<DB>): Promise<number> {
  const [queued] = await executeRead(db, db.selectFrom('media_queue').select((eb) => eb.fn.countAll<number>().as('n')));
  const [pending] = await executeRead(db, db.selectFrom('media').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending'));
  return Number(queued?.n ?? 0) + Number(pending?.n ?? 0);
}

/** Recipients still to be sent, across the broadcasts that are sending. */
export async function countPendingBroadcastRecipients(db: Kysely<DB>): Promise<number> {
  const [row] = await executeRead(db, db.selectFrom('broadcasts').select((eb) => eb.fn.sum<number>('pending_count').as('n')).where('status', '=', 'sending'));
  return Number(row?.n ?? 0);
}
