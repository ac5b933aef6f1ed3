import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Moves a member's read marker of a conversation to its newest message (by Meta's timestamp, then
 * seq: the thread's order), so that their unread count of it is 0. A conversation without
 * messages leaves the marker where it was. Never moves a marker backwards: a read racing a newer
 * read keeps the newer.
 */
export async function markConversationRead(db: Db, userId: string, conversationId: string, now: number): Promise<void> {
  const newest = await db
    .selectFrom('messages')
    .select(['timestamp', 'seq'])
    .where('conversation_id', '=', conversationId)
    .orderBy('timestamp', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!newest) return;
  const at = { last_read_timestamp: Number(newest.timestamp), last_read_seq: Number(newest.seq), read_at: now };
  await db
    .insertInto('conversation_reads')
    .values({ user_id: userId, conversation_id: conversationId, ...at })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'conversation_id'])
        .doUpdateSet(at)
        .where((eb) => eb(eb.refTuple('conversation_reads.last_read_timestamp', 'conversation_reads.last_read_seq'), '<=', eb.tuple(at.last_read_timestamp, at.last_read_seq))),
    )
    .execute();
}
