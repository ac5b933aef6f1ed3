import type { Kysely, Transaction } from 'kysely';
import { conversationSummarySet } from '../conversation-summary.ts';
import { writeJson } from '../json.ts';
import { MESSAGE_INSERT_COLUMNS, messageInsertValues } from '../message-columns.ts';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { MessageWrite } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';
import { summarizeWrites } from './summarize-writes.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * SQLite: each message's insert in order, a point statement each; then, over those inserted, one
 * summary update per conversation (summarizeWrites) and their events, in order.
 */
export async function writeMessagesInSqlite(db: Db, writes: readonly MessageWrite[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  const inserted: MessageWrite[] = [];
  for (const write of writes) if ((await insertMessageRow(db, messageInsertValues(write.row))).length > 0) inserted.push(write);
  for (const s of summarizeWrites(inserted)) {
    await updateSummary(db, [...SUMMARY.fields.map((field) => s[field]), s.conversation_id]);
  }
  for (const { row, events } of inserted) {
    for (const e of events) {
      await insertEventRow(db, [timeOrderedUuid(), e.phoneNumberId, e.type, e.conversationId, e.messageId ?? null, writeJson(e.data ?? {}), row.created_at]);
    }
  }
  return inserted.map(({ row }) => ({ phone_number_id: row.phone_number_id, id: row.id }));
}

const insertMessageRow = rawQuery<{ seq: number }>(
  `insert into messages (${MESSAGE_INSERT_COLUMNS})
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   on conflict (phone_number_id, id) do nothing
   returning seq`,
);

// Parameters rather than a joined source row: a plain point update costs SQLite less.
const SUMMARY = conversationSummarySet(() => '?');
const updateSummary = rawQuery(`update conversations set ${SUMMARY.sql} where id = ?`);

const insertEventRow = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   values (?, null, ?, ?, ?, ?, ?, ?, null)`,
);
