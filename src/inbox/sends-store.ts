import type { Kysely, Transaction } from 'kysely';
import type { DB, InboxSendRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Claims a member's Idempotency-Key for a send, first forgetting a claim made before
 * `expiresBefore` (24 h ago). Returns null when this call claimed it, else the existing claim (in
 * flight or done): the unique (user_id, key) lets one request win however many race.
 */
export async function claimInboxSend(db: Db, row: { userId: string; key: string; requestHash: string; now: number }, expiresBefore: number): Promise<InboxSendRow | null> {
  await db.deleteFrom('inbox_sends').where('user_id', '=', row.userId).where('key', '=', row.key).where('created_at', '<', expiresBefore).execute();
  const claimed = await db
    .insertInto('inbox_sends')
    .values({ user_id: row.userId, key: row.key, request_hash: row.requestHash, state: 'pending', answer_status: null, answer_body: null, created_at: row.now })
    .onConflict((oc) => oc.columns(['user_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (claimed) return null;
  return (await db.selectFrom('inbox_sends').selectAll().where('user_id', '=', row.userId).where('key', '=', row.key).executeTakeFirst()) ?? null;
}

/** Keeps the answer given under a claimed key, so a retry gets it again. */
export async function completeInboxSend(db: Db, userId: string, key: string, status: number, body: string): Promise<void> {
  await db.updateTable('inbox_sends').set({ state: 'done', answer_status: status, answer_body: body }).where('user_id', '=', userId).where('key', '=', key).execute();
}

/** Gives a key up: nothing was sent (or Meta may not have processed it), so a retry may send. */
export async function releaseInboxSend(db: Db, userId: string, key: string): Promise<void> {
  await db.deleteFrom('inbox_sends').where('user_id', '=', userId).where('key', '=', key).where('state', '=', 'pending').execute();
}

/** Deletes up to `limit` keys created before `before`, oldest first; returns how many. */
export async function deleteInboxSendsBefore(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('inbox_sends')
    .where('created_at', '<', before)
    .where((eb) =>
      eb(eb.refTuple('user_id', 'key'), 'in', eb.selectFrom('inbox_sends').select(['user_id', 'key']).where('created_at', '<', before).orderBy('created_at').limit(limit).$asTuple('user_id', 'key')),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
