import { type Kysely, type Transaction, sql } from 'kysely';
import type { BroadcastRecipientRow, BroadcastRow, DB } from '../db/schema.ts';
import { lockedInIdOrder } from './recipient-lock-order.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** What the worker needs of a broadcast that is sending: whose it is, from which number, with which template. */
export type SendingBroadcast = Pick<BroadcastRow, 'id' | 'project_id' | 'phone_number_id' | 'template'>;

/** Every broadcast now `sending`, across projects (a handful at a time: the table's rows are broadcasts, not recipients). */
export async function findSendingBroadcasts(db: Db): Promise<SendingBroadcast[]> {
  return db.selectFrom('broadcasts').select(['id', 'project_id', 'phone_number_id', 'template']).where('status', '=', 'sending').execute();
}

/**
 * A recipient leased by a worker whose lease ran out before it recorded anything: the worker
 * died or stalled, perhaps after Meta accepted the send. It is marked as an unknown outcome
 * (not claimed again) and released, for resolveLostSends to decide. Returns how many.
 */
export async function markLostSends(db: Db, phoneNumberIds: readonly string[], now: number): Promise<number> {
  if (phoneNumberIds.length === 0) return 0;
  const rows = await db
    .updateTable('broadcast_recipients')
    .set({ outcome_unknown_at: now, locked_by: null, locked_until: null, updated_at: now })
    .where('id', 'in', (eb) =>
      lockedInIdOrder(
        db,
        eb
          .selectFrom('broadcast_recipients')
          .select('id')
          .where('phone_number_id', 'in', [...phoneNumberIds])
          .where('status', '=', sql.lit('pending'))
          .where('next_attempt_at', '<=', now)
          .where('locked_by', 'is not', null)
          .where('locked_until', '<=', now),
      ),
    )
    .returning('id')
    .execute();
  return rows.length;
}

/** Recipients whose send has an unknown outcome: those a status webhook named first, then the oldest marks. */
export async function findLostSends(db: Db, limit: number): Promise<BroadcastRecipientRow[]> {
  return db
    .selectFrom('broadcast_recipients')
    .selectAll()
    .where('outcome_unknown_at', 'is not', null)
    .where('status', '=', sql.lit('pending'))
    .orderBy(sql`wamid is null`)
    .orderBy('outcome_unknown_at')
    .limit(limit)
    .execute();
}

/**
 * A lost send for which no status webhook arrived within the wait: Meta never accepted it (it
 * reports every accepted message), so it becomes due again. Only if nothing decided it meanwhile.
 */
export async function releaseLostSend(db: Db, recipientId: string, markedAt: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('broadcast_recipients')
    .set({ outcome_unknown_at: null, next_attempt_at: now, updated_at: now })
    .where('id', '=', recipientId)
    .where('status', '=', sql.lit('pending'))
    .where('outcome_unknown_at', '=', markedAt)
    .where('wamid', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Evidence from status webhooks that Meta accepted recipients' sends (each `send_tag` came back
 * in `biz_opaque_callback_data` with a wamid): kept on the pending rows so that a lost send is
 * resolved as sent rather than sent again. One locking read and one update for the whole batch (a
 * broadcast's statuses often beat the worker's record of Meta's answer, so this is not rare).
 * Returns the recipients by tag.
 */
export async function recordAcceptedTags(trx: Transaction<DB>, accepted: ReadonlyMap<string, string>, now: number): Promise<Map<string, BroadcastRecipientRow>> {
  if (accepted.size === 0) return new Map();
  const tags = [...accepted.keys()];
  const wamidOf = sql<string>`case ${sql.ref('send_tag')} ${sql.join([...accepted].map(([tag, wamid]) => sql`when ${tag} then ${wamid}`), sql` `)} end`;
  const locked = await lockedInIdOrder(trx, trx.selectFrom('broadcast_recipients').selectAll().where('send_tag', 'in', tags)).execute();
  const byTag = new Map(locked.map((r) => [r.send_tag, r]));
  const unproven = locked.filter((r) => r.status === 'pending' && r.wamid === null).map((r) => r.id);
  if (unproven.length > 0) {
    const proven = await trx.updateTable('broadcast_recipients').set({ wamid: wamidOf, updated_at: now }).where('id', 'in', unproven).returningAll().execute();
    for (const r of proven) byTag.set(r.send_tag, r);
  }
  return byTag;
}

/** Extends the leases of recipients whose sends are still running in this worker. */
export async function renewRecipientLeases(db: Db, workerId: string, ids: readonly string[], until: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('broadcast_recipients')
    .set({ locked_until: until, next_attempt_at: until })
    .where('id', 'in', (eb) => lockedInIdOrder(db, eb.selectFrom('broadcast_recipients').select('id').where('id', 'in', [...ids]).where('locked_by', '=', workerId)))
    .execute();
}

/**
 * T8 for every `sending` broadcast with no pending recipient left (none due, leased, or with an
 * unknown outcome: all count as pending). Returns the broadcasts it completed.
 */
export async function completeFinishedBroadcasts(db: Db, now: number): Promise<BroadcastRow[]> {
  return db.updateTable('broadcasts').set({ status: 'completed', completed_at: now, updated_at: now }).where('status', '=', 'sending').where('pending_count', '=', 0).returningAll().execute();
}

/** T9: the broadcast cannot go on; its pending recipients stay pending. Undefined when it was no longer sending. */
export async function failBroadcast(db: Db, id: string, reason: string, now: number): Promise<BroadcastRow | undefined> {
  return db.updateTable('broadcasts').set({ status: 'failed', failure_reason: reason, updated_at: now }).where('id', '=', id).where('status', '=', 'sending').returningAll().executeTakeFirst();
}
