import { type Kysely, type Transaction, sql } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import { leaseColumns, type LeaseRequest } from '../db/lease.ts';
import type { BroadcastRecipientRow, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface RecipientClaim extends LeaseRequest {
  /** Meta's throughput is per number (§8.3.1): a claim takes one number's recipients. */
  phoneNumberId: string;
}

/**
 * For the broadcast worker (docs/broadcasts.md): claims up to `limit` due recipients of one
 * number under a lease (style.md rule 12, as the outbox claims deliveries), oldest first, from
 * broadcasts that are `sending`, so a stop (T7) takes effect at the next claim and the recipients
 * not claimed stay pending [OV]. A recipient whose last send has an unknown outcome is not
 * claimed: it may have reached Meta. Claiming counts the attempt and moves `next_attempt_at` to
 * the end of the lease (db/lease.ts). Unlike other queues, a leased recipient never comes back by
 * itself when its lease runs out: its worker may have sent it and died before writing so. Such a
 * recipient is taken for an unknown outcome (markLostSends) and resolved before any resend.
 * The rows are chosen in a MATERIALIZED CTE for the reason claimDueDeliveriesQuery gives.
 */
export function claimDueRecipientsQuery(db: Db, o: RecipientClaim) {
  const due = db
    .selectFrom('broadcast_recipients as r')
    .select('r.seq')
    .where('r.phone_number_id', '=', o.phoneNumberId)
    .where('r.status', '=', sql.lit('pending'))
    .where('r.next_attempt_at', '<=', o.now)
    .where('r.outcome_unknown_at', 'is', null)
    .where('r.locked_by', 'is', null)
    .where('r.broadcast_id', 'in', (eb) => eb.selectFrom('broadcasts as b').select('b.id').where('b.phone_number_id', '=', o.phoneNumberId).where('b.status', '=', sql.lit('sending')))
    .orderBy('r.next_attempt_at')
    .orderBy('r.seq')
    .limit(o.limit);
  return db
    .with((cte) => cte('due').materialized(), () => forClaim(db, due))
    .updateTable('broadcast_recipients')
    .set((eb) => ({ ...leaseColumns(o), attempts: eb('attempts', '+', 1) }))
    .where('seq', 'in', (eb) => eb.selectFrom('due').select('due.seq'))
    .where('status', '=', sql.lit('pending'))
    .where('next_attempt_at', '<=', o.now)
    .where('locked_by', 'is', null)
    .returningAll();
}

/** Runs claimDueRecipientsQuery; the rows in the order they were added (an update returns them in none). */
export async function claimDueRecipients(db: Db, o: RecipientClaim): Promise<BroadcastRecipientRow[]> {
  return (await claimDueRecipientsQuery(db, o).execute()).sort((a, b) => Number(a.seq) - Number(b.seq));
}

/**
 * Hands claimed recipients back untouched: due at once, unleased, their claim's attempt not
 * counted (nothing was sent). For a broadcast stopped between the claim and the worker's refresh.
 */
export async function releaseClaimedRecipients(db: Db, workerId: string, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('broadcast_recipients')
    .set((eb) => ({ locked_by: null, locked_until: null, next_attempt_at: now, attempts: eb('attempts', '-', 1) }))
    .where('id', 'in', [...ids])
    .where('locked_by', '=', workerId)
    .where('status', '=', sql.lit('pending'))
    .execute();
}
