import type { Kysely, Transaction } from 'kysely';
import { batchIntakeSelect, conversationSummarySet } from '../conversation-summary.ts';
import { writeJson } from '../json.ts';
import { MESSAGE_INSERT_COLUMNS, messageInsertValues } from '../message-columns.ts';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { MessageWrite } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * SQLite: each message's insert in order, a point statement each; then, over those inserted, the
 * summaries of their conversations in one statement and their events, in order.
 */
export async function writeMessagesInSqlite(db: Db, writes: readonly MessageWrite[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  const inserted: MessageWrite[] = [];
  const intake: Array<[number, string]> = [];
  for (const write of writes) {
    const [row] = await insertMessageRow(db, messageInsertValues(write.row));
    if (!row) continue;
    inserted.push(write);
    intake.push([row.seq, write.previewText]);
  }
  if (intake.length > 0) await updateSummaries(db, [JSON.stringify(intake)]);
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

// The inserted rows by seq (their rowid), each with its preview, as one JSON parameter [[seq, preview], …].
const updateSummaries = rawQuery(
  `update conversations set ${conversationSummarySet((field) => `s.${field}`).sql}
   from (${batchIntakeSelect('json_each(?) i join messages m on m.seq = i.value ->> 0', 'i.value ->> 1')}) s
   where conversations.id = s.conversation_id`,
);

const insertEventRow = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   values (?, null, ?, ?, ?, ?, ?, ?, null)`,
);
