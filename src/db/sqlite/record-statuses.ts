import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { StatusEvent, StatusHistoryRow, StatusMove } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** SQLite: per status, a point insert and, when new, a point read of its message. */
export async function keepStatusesInSqlite(db: Db, rows: readonly StatusHistoryRow[]): Promise<Array<{ ord: number; current: string | null }>> {
  const kept: Array<{ ord: number; current: string | null }> = [];
  for (const [i, r] of rows.entries()) {
    const inserted = await insertStatusRow(db, [r.phone_number_id, r.message_id, r.status, r.timestamp, r.dedupe_key, r.payload, r.received_at]);
    if (inserted.length === 0) continue;
    const [message] = await selectMessageStatus(db, [r.phone_number_id, r.message_id]);
    kept.push({ ord: i + 1, current: message?.status ?? null });
  }
  return kept;
}

/** SQLite: a point compare-and-set per message, then a point insert per event of a message moved. */
export async function moveMessageStatusesInSqlite(db: Db, moves: readonly StatusMove[], events: readonly StatusEvent[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  const moved: Array<{ phone_number_id: string; id: string }> = [];
  for (const m of moves) {
    if ((await updateStatusRow(db, [m.to, m.now, m.phoneNumberId, m.messageId, m.from])).length > 0) moved.push({ phone_number_id: m.phoneNumberId, id: m.messageId });
  }
  const keys = new Set(moved.map((m) => `${m.phone_number_id}\n${m.id}`));
  for (const e of events) {
    if (keys.has(`${e.phoneNumberId}\n${e.messageId}`)) await insertEventRow(db, [timeOrderedUuid(), e.phoneNumberId, e.type, e.messageId, e.data, e.now]);
  }
  return moved;
}

const insertStatusRow = rawQuery<{ seq: number }>(
  `insert into message_statuses (phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at)
   values (?, ?, ?, ?, ?, ?, ?)
   on conflict (phone_number_id, message_id, dedupe_key) do nothing
   returning seq`,
);
const selectMessageStatus = rawQuery<{ status: string }>('select status from messages where phone_number_id = ? and id = ?');
const updateStatusRow = rawQuery<{ seq: number }>(
  'update messages set status = ?, updated_at = ? where phone_number_id = ? and id = ? and status = ? returning seq',
);
const insertEventRow = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   values (?, null, ?, ?, null, ?, ?, ?, null)`,
);
