import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A message as pruning walks them: its place in the (number, timestamp, seq) index and what hangs off it. */
export interface PrunableMessage {
  seq: number;
  id: string;
  conversation_id: string;
  timestamp: number;
}

/** A media row as pruning sees it: the blob it points at (null when it has none) and that blob's size. */
export interface PrunableMedia {
  id: string;
  storage_key: string | null;
  byte_size: number | null;
}

/** The numbers whose history is pruned: a project's (removed ones with kept history too), or every one. */
export async function listNumbersToPrune(db: Db, projectId: string | undefined): Promise<string[]> {
  const rows = await db
    .selectFrom('phone_numbers')
    .select('id')
    .$if(projectId !== undefined, (qb) => qb.where('project_id', '=', projectId as string))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The next `limit` messages of a number older than `beforeSeconds`, after (`timestamp`, `seq`)
 * `after` (null: from the oldest): a range scan of messages_number_time.
 */
export async function nextMessagesBefore(db: Db, phoneNumberId: string, beforeSeconds: number, after: readonly [number, number] | null, limit: number): Promise<PrunableMessage[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['seq', 'id', 'conversation_id', 'timestamp'])
    .where('phone_number_id', '=', phoneNumberId)
    .where('timestamp', '<', beforeSeconds)
    .$if(after !== null, (qb) => qb.where((eb) => eb(eb.tuple(eb.ref('timestamp'), eb.ref('seq')), '>', eb.tuple(after![0], after![1]))))
    .orderBy('timestamp')
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq), timestamp: Number(r.timestamp) }));
}

/** How many status events these messages of a number have. */
export async function countStatusesOf(db: Db, phoneNumberId: string, messageIds: readonly string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const row = await db
    .selectFrom('message_statuses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('phone_number_id', '=', phoneNumberId)
    .where('message_id', 'in', messageIds)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The media rows of these messages of a number; `storedOnly`: only those whose file is kept. */
export async function findMediaOfPrunedMessages(db: Db, phoneNumberId: string, messageIds: readonly string[], storedOnly: boolean): Promise<PrunableMedia[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('media')
    .select(['id', 'storage_key', 'byte_size'])
    .where('phone_number_id', '=', phoneNumberId)
    .where('message_id', 'in', messageIds)
    .$if(storedOnly, (qb) => qb.where('state', '=', sql.lit('stored')).where('storage_key', 'is not', null))
    .execute();
}

/**
 * The next `limit` uploads (media rows on no message) of a number created before `beforeMs`,
 * after id `after`; `storedOnly`: only those whose file is kept.
 */
export async function nextUploadsBefore(db: Db, phoneNumberId: string, beforeMs: number, after: string | null, limit: number, storedOnly: boolean): Promise<PrunableMedia[]> {
  return db
    .selectFrom('media')
    .select(['id', 'storage_key', 'byte_size'])
    .where('phone_number_id', '=', phoneNumberId)
    .where('message_id', 'is', null)
    .where('created_at', '<', beforeMs)
    .$if(after !== null, (qb) => qb.where('id', '>', after as string))
    .$if(storedOnly, (qb) => qb.where('state', '=', sql.lit('stored')).where('storage_key', 'is not', null))
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Takes pruned messages out of their conversation's summary, one row per statement (a lock on one
 * conversation at a time, so it never deadlocks with ingest's batch updates on PostgreSQL): the
 * count drops by `removed`, and a summary naming one of `prunedIds` as its last message is
 * emptied, so no conversation points at a message that is gone. A message stored meanwhile has
 * moved the summary to itself: the condition on last_message_id then leaves it alone.
 */
export async function forgetPrunedInSummary(db: Db, conversationId: string, removed: number, prunedIds: readonly string[]): Promise<void> {
  await db
    .updateTable('conversations')
    .set({
      messages_count: sql<number>`case when messages_count > ${removed} then messages_count - ${removed} else 0 end`,
      last_message_id: sql<string | null>`case when last_message_id in (${sql.join(prunedIds)}) then null else last_message_id end`,
      last_message_type: sql<string | null>`case when last_message_id in (${sql.join(prunedIds)}) then null else last_message_type end`,
      last_message_text: sql<string | null>`case when last_message_id in (${sql.join(prunedIds)}) then null else last_message_text end`,
      last_message_at: sql<number | null>`case when last_message_id in (${sql.join(prunedIds)}) then null else last_message_at end`,
    })
    .where('id', '=', conversationId)
    .execute();
}

/**
 * Deletes messages of a number (by seq) with their status events, queued and stored media rows,
 * in one short transaction. Returns the rows deleted of each kind.
 */
export async function deleteMessageBatch(db: Kysely<DB>, phoneNumberId: string, messages: readonly PrunableMessage[]): Promise<{ messages: number; statuses: number; media: number }> {
  if (messages.length === 0) return { messages: 0, statuses: 0, media: 0 };
  const ids = messages.map((m) => m.id);
  return db.transaction().execute(async (trx) => {
    const statuses = await trx.deleteFrom('message_statuses').where('phone_number_id', '=', phoneNumberId).where('message_id', 'in', ids).executeTakeFirst();
    await trx.deleteFrom('media_queue').where('phone_number_id', '=', phoneNumberId).where('message_id', 'in', ids).execute();
    const media = await trx.deleteFrom('media').where('phone_number_id', '=', phoneNumberId).where('message_id', 'in', ids).executeTakeFirst();
    const deleted = await trx.deleteFrom('messages').where('seq', 'in', messages.map((m) => m.seq)).executeTakeFirst();
    return { messages: Number(deleted.numDeletedRows), statuses: Number(statuses.numDeletedRows), media: Number(media.numDeletedRows) };
  });
}

/** Deletes media rows (uploads) by id; returns how many. */
export async function deleteMediaRows(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom('media').where('id', 'in', ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Marks stored media rows pruned (media-only): the file's key is cleared and the row fails with
 * `reason`, so the message keeps its media entry and GET /media answers why there is no file.
 */
export async function markMediaPruned(db: Db, ids: readonly string[], reason: string, now: number): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('media')
    .set({ state: 'failed', failure_reason: reason, storage_key: null, locked_by: null, locked_until: null, updated_at: now })
    .where('id', 'in', ids)
    .where('state', '=', sql.lit('stored'))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many media rows point at each of these blobs (a blob with no row is absent from the map). */
export async function countBlobReferences(db: Db, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('media')
    .select(['storage_key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('storage_key', 'in', keys)
    .groupBy('storage_key')
    .execute();
  return new Map(rows.map((r) => [r.storage_key as string, Number(r.n)]));
}

/**
 * The next `limit` conversations of a number that pruning deletes: ended (ingest never joins an
 * ended conversation, so none gains a message meanwhile), last active before `beforeMs`, and
 * with no message left, or, for a dry run, with none at or after `beforeSeconds` (the others go).
 */
export async function nextConversationsToDelete(
  db: Db,
  phoneNumberId: string,
  o: { beforeMs: number; beforeSeconds: number; dryRun: boolean; after: string | null; limit: number },
): Promise<Array<{ id: string; contact_id: string }>> {
  return db
    .selectFrom('conversations as c')
    .select(['c.id', 'c.contact_id'])
    .where('c.phone_number_id', '=', phoneNumberId)
    .where('c.status', '=', sql.lit('ended'))
    .where('c.last_active_at', '<', o.beforeMs)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages as m')
            .select(sql.lit(1).as('one'))
            .whereRef('m.conversation_id', '=', 'c.id')
            .$if(o.dryRun, (qb) => qb.where('m.timestamp', '>=', o.beforeSeconds)),
        ),
      ),
    )
    .$if(o.after !== null, (qb) => qb.where('c.id', '>', o.after as string))
    .orderBy('c.id')
    .limit(o.limit)
    .execute();
}

/**
 * Deletes ended conversations that still have no message, with their inactivity notices and the
 * inbox's assignment, notes and read markers of them, and
 * clears each contact's pointer at them (one row per statement: contacts are kept, and a dangling
 * pointer would only make the next message open a new conversation anyway). Returns how many went.
 */
export async function deleteConversations(db: Kysely<DB>, rows: ReadonlyArray<{ id: string; contact_id: string }>): Promise<number> {
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  const deleted = await db
    .deleteFrom('conversations')
    .where('conversations.id', 'in', ids)
    .where('conversations.status', '=', sql.lit('ended'))
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('messages').select(sql.lit(1).as('one')).whereRef('messages.conversation_id', '=', 'conversations.id'))))
    .returning(['conversations.id', 'conversations.contact_id'])
    .execute();
  if (deleted.length === 0) return 0;
  const gone = deleted.map((r) => r.id);
  await db.deleteFrom('webhook_inactivity_notices').where('conversation_id', 'in', gone).execute();
  // What the team inbox kept about them: their assignee, notes and members' read markers.
  for (const table of ['conversation_assignments', 'conversation_notes', 'conversation_reads'] as const) await db.deleteFrom(table).where('conversation_id', 'in', gone).execute();
  for (const row of deleted) {
    await db.updateTable('contacts').set({ current_conversation_id: null }).where('id', '=', row.contact_id).where('current_conversation_id', '=', row.id).execute();
  }
  return deleted.length;
}
