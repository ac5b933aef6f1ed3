import type { Kysely, Transaction } from 'kysely';
import { CONVERSATION_SUMMARY_SET } from '../conversation-summary.ts';
import { writeJson } from '../json.ts';
import { MESSAGE_INSERT_COLUMNS, messageInsertValues } from '../message-columns.ts';
import { rawQuery } from '../raw-query.ts';
import type { DB } from '../schema.ts';
import type { MessageWrite } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * SQLite: each message in order, a point statement per step: its insert and, when inserted, its
 * conversation's summary (a message at a time under the same rule, so of equal timestamps the
 * later wins as on PostgreSQL) and its events.
 */
export async function writeMessagesInSqlite(db: Db, writes: readonly MessageWrite[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  const inserted: Array<{ phone_number_id: string; id: string }> = [];
  for (const { row, previewText, events } of writes) {
    if ((await insertMessageRow(db, messageInsertValues(row))).length === 0) continue;
    inserted.push({ phone_number_id: row.phone_number_id, id: row.id });
    const at = row.timestamp * 1000;
    await updateSummary(db, [
      row.conversation_id, at, row.id, row.type, previewText,
      row.direction === 'inbound' ? at : null, row.direction === 'outbound' ? at : null, row.updated_at,
    ]);
    for (const e of events) {
      await insertEventRow(db, [timeOrderedUuid(), e.phoneNumberId, e.type, e.conversationId, e.messageId ?? null, writeJson(e.data ?? {}), row.created_at]);
    }
  }
  return inserted;
}

const insertMessageRow = rawQuery<{ seq: number }>(
  `insert into messages (${MESSAGE_INSERT_COLUMNS})
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
   on conflict (phone_number_id, id) do nothing
   returning seq`,
);

const updateSummary = rawQuery(
  `update conversations set ${CONVERSATION_SUMMARY_SET}
   from (select ? as conversation_id, 1 as count, ? as at, ? as last_id, ? as last_type, ? as last_text,
     ? as inbound_at, ? as outbound_at, ? as now) as s
   where conversations.id = s.conversation_id`,
);

const insertEventRow = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   values (?, null, ?, ?, ?, ?, ?, ?, null)`,
);
