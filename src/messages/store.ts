import type { Kysely, Transaction } from 'kysely';
import type { DB, MessageRow, StatusRow } from '../db/schema.ts';
import { type MessageWrite, storePrimitivesOf } from '../db/store-primitives.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { executeRead, rawQuery, rawRead } from '../db/executor.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A message's identity: its number and wamid. */
export interface MessageRef {
  phoneNumberId: string;
  id: string;
}

/** The key of a (number, wamid) pair in the sets the batch functions return. */
export function messageKeyOf(phoneNumberId: string, id: string): string {
  return `${phoneNumberId}\n${id}`;
}

/** Which of these messages are already stored, as messageKeyOf keys. */
export async function findStoredMessages(db: Db, keys: readonly MessageRef[]): Promise<Set<string>> {
  const rows = await storePrimitivesOf(db).findStoredMessages(db, keys);
  return new Set(rows.map((r) => messageKeyOf(r.phone_number_id, r.id)));
}

/**
 * Inserts placed messages in order, each once per (number, wamid), and for those inserted moves
 * their conversations' counters and summaries and appends their events (db/store-primitives.ts).
 * Returns the keys (messageKeyOf) of those inserted: a message stored meanwhile by a concurrent
 * transaction is left out, with its events.
 */
export async function writeMessages(db: Db, writes: readonly MessageWrite[]): Promise<Set<string>> {
  const rows = await storePrimitivesOf(db).writeMessages(db, writes);
  return new Set(rows.map((r) => messageKeyOf(r.phone_number_id, r.id)));
}

/**
 * A stored message, scoped to the caller's project: a wamid of another project's number is as
 * absent as one never stored.
 */
export async function findMessage(db: Db, projectId: string, phoneNumberId: string, id: string): Promise<MessageRow | undefined> {
  return (await selectProjectMessage(db, [projectId, phoneNumberId, id]))[0];
}
// The GET-by-id hot path: precompiled SQL, on SQLite's reader thread (db/executor.ts).
const selectProjectMessage = rawRead<MessageRow>(
  `select messages.* from messages
   inner join phone_numbers on phone_numbers.id = messages.phone_number_id
   where phone_numbers.project_id = ? and messages.phone_number_id = ? and messages.id = ?`,
);

/** The delivery status currently applied to a message, if the message is stored. */
export async function findMessageStatus(db: Db, phoneNumberId: string, id: string): Promise<string | undefined> {
  return (await selectMessageStatus(db, [phoneNumberId, id]))[0]?.status;
}
const selectMessageStatus = rawQuery<{ status: string }>('select status from messages where phone_number_id = ? and id = ?');

/**
 * Moves a message's status from `from` to `to`; false when another transaction changed it first
 * (the caller reads again and decides again).
 */
export async function updateMessageStatus(db: Db, phoneNumberId: string, id: string, from: string, to: string, now: number): Promise<boolean> {
  const changed = await updateStatusRow(db, [to, now, phoneNumberId, id, from]);
  return changed.length > 0;
}
// Compare-and-set: applied only if the status is still the one the caller decided from.
const updateStatusRow = rawQuery<{ seq: number }>(
  'update messages set status = ?, updated_at = ? where phone_number_id = ? and id = ? and status = ? returning seq',
);

/** Records a Meta status event in the history once; returns false for a duplicate delivery. */
export async function insertStatusIfNew(db: Db, row: Omit<StatusRow, 'seq' | 'payload'> & { payload: string }): Promise<boolean> {
  const inserted = await insertStatusRow(db, [row.phone_number_id, row.message_id, row.status, row.timestamp, row.dedupe_key, row.payload, row.received_at]);
  return inserted.length > 0;
}
const insertStatusRow = rawQuery<{ seq: number }>(
  `insert into message_statuses (phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at)
   values (?, ?, ?, ?, ?, ?, ?)
   on conflict (phone_number_id, message_id, dedupe_key) do nothing
   returning seq`,
);

/** A message's status history, oldest first (by Meta's timestamp, then arrival). */
export async function listStatuses(db: Db, phoneNumberId: string, messageId: string): Promise<StatusRow[]> {
  return selectStatuses(db, [phoneNumberId, messageId]);
}
const selectStatuses = rawQuery<StatusRow>(
  'select * from message_statuses where phone_number_id = ? and message_id = ? order by timestamp, seq',
);

/** Epoch seconds of the latest inbound message of a customer known by BSUID, if any (through their conversations). */
export async function latestInboundTimestampOfBsuid(db: Db, phoneNumberId: string, bsuid: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('timestamp')
    .where('phone_number_id', '=', phoneNumberId)
    .where('direction', '=', 'inbound')
    .where('conversation_id', 'in', (eb) => eb.selectFrom('conversations').select('id').where('phone_number_id', '=', phoneNumberId).where('business_scoped_user_id', '=', bsuid))
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.timestamp;
}

/** Epoch seconds of a customer's latest inbound message on a number, if any. */
export async function latestInboundTimestamp(db: Db, phoneNumberId: string, waId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('timestamp')
    .where('phone_number_id', '=', phoneNumberId)
    .where('direction', '=', 'inbound')
    .where('from_id', '=', waId)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.timestamp;
}

/** The filters of `GET /{phone_number_id}/messages` (kapso-api.md §6.1.3); all optional, combined with AND. */
export interface MessageFilter {
  direction?: 'inbound' | 'outbound' | undefined;
  status?: string | undefined;
  /** Epoch seconds, inclusive bounds on Meta's timestamp. */
  sinceSec?: number | undefined;
  untilSec?: number | undefined;
  conversationId?: string | undefined;
  /** The customer's business-scoped user id: the messages of their conversations. */
  bsuid?: string | undefined;
}

/** A message's place in its list: Meta's timestamp, then the insertion sequence. */
export type MessageKey = readonly [timestamp: number, seq: number];

/**
 * One keyset window of a number's messages, newest first (ascending from a `before` cursor). Every
 * variant is a range scan of (phone_number_id, timestamp, seq), or of (conversation_id, timestamp,
 * seq) when a conversation is named, so page 1 and page 10,000 cost the same. The join to
 * phone_numbers is a single primary-key probe that scopes the rows to the caller's project.
 */
export function listMessagesQuery(db: Db, projectId: string, phoneNumberId: string, filter: MessageFilter, window: KeysetWindow<MessageKey>) {
  let q = db
    .selectFrom('messages')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
    .selectAll('messages')
    .where('phone_numbers.project_id', '=', projectId)
    .where('messages.phone_number_id', '=', phoneNumberId);
  if (filter.conversationId !== undefined) q = q.where('messages.conversation_id', '=', filter.conversationId);
  if (filter.bsuid !== undefined) {
    // Through the conversations' (phone_number_id, business_scoped_user_id) index: a customer has few.
    const { bsuid } = filter;
    q = q.where('messages.conversation_id', 'in', (eb) =>
      eb.selectFrom('conversations').select('conversations.id').where('conversations.phone_number_id', '=', phoneNumberId).where('conversations.business_scoped_user_id', '=', bsuid),
    );
  }
  if (filter.direction !== undefined) q = q.where('messages.direction', '=', filter.direction);
  if (filter.status !== undefined) q = q.where('messages.status', '=', filter.status);
  if (filter.sinceSec !== undefined) q = q.where('messages.timestamp', '>=', filter.sinceSec);
  if (filter.untilSec !== undefined) q = q.where('messages.timestamp', '<=', filter.untilSec);
  const { start } = window;
  if (start.kind !== 'first') {
    const [timestamp, seq] = start.key;
    q = q.where((eb) => eb(eb.refTuple('messages.timestamp', 'messages.seq'), start.kind === 'before' ? '>' : '<', eb.tuple(timestamp, seq)));
  }
  const order = start.kind === 'before' ? 'asc' : 'desc';
  return q.orderBy('messages.timestamp', order).orderBy('messages.seq', order).limit(window.limit);
}

/**
 * Runs listMessagesQuery. A page the index bounds (no `direction` or `status` filter, which no
 * index holds) reads on the database's committed-data reader (db/executor.ts); a
 * filtered page may scan far for a few matches, and runs on a pooled connection so that no read
 * queued behind it on the pipeline waits for it.
 */
export async function listMessages(db: Db, projectId: string, phoneNumberId: string, filter: MessageFilter, window: KeysetWindow<MessageKey>): Promise<MessageRow[]> {
  const query = listMessagesQuery(db, projectId, phoneNumberId, filter, window);
  const bounded = filter.direction === undefined && filter.status === undefined;
  return bounded ? executeRead(db, query) : query.execute();
}

/** Several messages of one number by wamid, in one query (the outbox renders batches). */
export async function findMessagesOfNumber(db: Db, phoneNumberId: string, ids: readonly string[]): Promise<MessageRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('messages').selectAll().where('phone_number_id', '=', phoneNumberId).where('id', 'in', ids).execute();
}

/** The status histories of several messages of one number in one query (a page asking for `kapso.statuses`). */
export async function listStatusesOfMessages(db: Db, phoneNumberId: string, messageIds: readonly string[]): Promise<StatusRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .selectFrom('message_statuses')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('message_id', 'in', messageIds)
    .orderBy('timestamp')
    .orderBy('seq')
    .execute();
}
