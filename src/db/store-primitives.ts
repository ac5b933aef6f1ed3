import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { postgresStorePrimitives } from './postgres/store-primitives.ts';
import type { DB, NewMessage } from './schema.ts';
import { sqliteStorePrimitives } from './sqlite/store-primitives.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A customer of a number known by phone, with the profile name a message gave (null: none given). */
export interface ContactInput {
  phoneNumberId: string;
  waId: string;
  profileName: string | null;
  now: number;
}

/** A contact as the write path needs it. */
export interface ContactRef {
  phone_number_id: string;
  wa_id: string;
  id: string;
  profile_name: string | null;
  /** The contact's BSUID, when it has one (a phone contact may have learnt it). */
  business_scoped_user_id: string | null;
}

/** A customer's current conversation (the one their contact points at). */
export interface CurrentConversationRow {
  contact_id: string;
  id: string;
  status: 'active' | 'ended';
  last_active_at: number;
}

/** An outbox event a stored message fires; appended only if its message is inserted. */
export interface MessageEvent {
  type: string;
  phoneNumberId: string;
  conversationId: string;
  messageId?: string;
  data?: Record<string, unknown>;
}

/** A message placed in its conversation, with what its storing changes besides its row. */
export interface MessageWrite {
  row: NewMessage;
  /** The conversation's `last_message_text` should this message be its newest. */
  previewText: string;
  /** In the order they happened; their creation time is the row's `created_at`. */
  events: MessageEvent[];
}

/** A status event as the history keeps it. */
export interface StatusHistoryRow {
  phone_number_id: string;
  message_id: string;
  status: string;
  timestamp: number;
  dedupe_key: string;
  /** JSON text. */
  payload: string;
  received_at: number;
}

/** A message moved from the status it was read with to another (compare-and-set). */
export interface StatusMove {
  phoneNumberId: string;
  messageId: string;
  from: string;
  to: string;
  now: number;
}

/** An event a status move fires (`whatsapp.message.delivered`…); `data` is JSON text. */
export interface StatusEvent {
  phoneNumberId: string;
  messageId: string;
  type: string;
  data: string;
  now: number;
}

/**
 * The store's batch operations whose best form differs by dialect (style.md rule 9), one
 * implementation each under db/sqlite/ and db/postgres/. On PostgreSQL every statement is a
 * round trip, so each is one statement for the whole batch; on SQLite statements run in-process
 * and each is a few point statements, which cost less than building one large one.
 */
export interface StorePrimitives {
  /** Which of these messages are stored (number and wamid of each found). */
  findStoredMessages(db: Db, keys: ReadonlyArray<{ phoneNumberId: string; id: string }>): Promise<Array<{ phone_number_id: string; id: string }>>;
  /**
   * Creates each contact or refreshes its profile name (a null name never erases a known one; an
   * unchanged contact is not written) and returns every one. `inputs`: one per customer, sorted
   * by customer: on PostgreSQL the rows are locked until commit in that order.
   */
  upsertContacts(db: Db, inputs: readonly ContactInput[]): Promise<ContactRef[]>;
  /** The current conversations of these contacts (those that have one). */
  findCurrentConversations(db: Db, contactIds: readonly string[]): Promise<CurrentConversationRow[]>;
  /**
   * Inserts the messages in order, each once per (number, wamid); for those inserted, counts them
   * into their conversations under the summary rule (db/conversation-summary.ts) and appends
   * their events. Returns the messages inserted (one stored meanwhile by a concurrent
   * transaction is left out).
   */
  writeMessages(db: Db, writes: readonly MessageWrite[]): Promise<Array<{ phone_number_id: string; id: string }>>;
  /**
   * Keeps each status in the history once, in order, and returns, for each one newly kept, its
   * 1-based position in `rows` and the status of its message as it stands (null: the message is
   * not stored). The caller holds the messages' locks.
   */
  keepStatuses(db: Db, rows: readonly StatusHistoryRow[]): Promise<Array<{ ord: number; current: string | null }>>;
  /**
   * Moves each message from `from` to `to` where it still is at `from` (compare-and-set), then
   * appends, in order, the events of the messages moved. Returns the messages moved.
   */
  moveMessageStatuses(db: Db, moves: readonly StatusMove[], events: readonly StatusEvent[]): Promise<Array<{ phone_number_id: string; id: string }>>;
}

/** The store primitives of the dialect `db` runs on. */
export function storePrimitivesOf(db: Db): StorePrimitives {
  return db.getExecutor().adapter instanceof PostgresAdapter ? postgresStorePrimitives : sqliteStorePrimitives;
}
