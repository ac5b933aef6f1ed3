import type { Kysely, Transaction } from 'kysely';
import { batchIntakeSelect, conversationSummarySet } from '../conversation-summary.ts';
import { writeJson } from '../json.ts';
import { MESSAGE_INSERT_COLUMNS, messageInsertValues } from '../message-columns.ts';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { MessageWrite } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';

/** PostgreSQL: the messages, their conversations' summaries and their events in one statement. */
export async function writeMessagesInPostgres(db: Kysely<DB> | Transaction<DB>, writes: readonly MessageWrite[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  if (writes.length === 0) return [];
  // One array per column: the rows' values transposed.
  const values = writes.map((w) => messageInsertValues(w.row));
  const columns = (values[0] ?? []).map((_, c) => values.map((row) => row[c]));
  const events = writes.flatMap((w) => w.events.map((event) => ({ event, row: w.row })));
  return insertMessageBatch(db, [
    ...columns,
    writes.map((w) => w.previewText),
    events.map(() => timeOrderedUuid()), events.map(({ event }) => event.phoneNumberId), events.map(({ event }) => event.type),
    events.map(({ event }) => event.conversationId), events.map(({ event }) => event.messageId ?? null),
    events.map(({ event }) => writeJson(event.data ?? {})), events.map(({ row }) => row.created_at),
    events.map(({ row }) => row.phone_number_id), events.map(({ row }) => row.id),
  ]);
}

// The messages (in their order, so their seq is the history's order), then each conversation's
// intake over the rows actually inserted (db/conversation-summary.ts), absorbed under the one
// summary rule, then the events of the inserted messages. Every step of one statement sees the same snapshot; the
// events read the messages' RETURNING rows.
const insertMessageBatch = rawQuery<{ phone_number_id: string; id: string }>(
  `with input as (
     select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[],
       ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[])
       with ordinality as r(id, phone_number_id, conversation_id, direction, type, from_id, to_id, timestamp, status,
         processing_status, origin, has_media, contact_name, content, payload, kapso_data, created_at, updated_at, preview, ord)),
   m as (
     insert into messages (${MESSAGE_INSERT_COLUMNS})
     select id, phone_number_id, conversation_id, direction, type, from_id, to_id, timestamp, status,
       processing_status, origin, has_media, contact_name, content, payload::jsonb, kapso_data::jsonb, created_at, updated_at
     from input order by ord
     on conflict (phone_number_id, id) do nothing
     returning phone_number_id, id, seq, conversation_id, direction, timestamp, type, updated_at),
   s as (${batchIntakeSelect('m join input i on i.phone_number_id = m.phone_number_id and i.id = m.id', 'i.preview')}),
   counted as (
     update conversations set ${conversationSummarySet((field) => `s.${field}`).sql}
     from s where conversations.id = s.conversation_id
     returning conversations.id),
   fired as (
     insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
     select e.id, null, e.phone_number_id, e.type, e.conversation_id, e.message_id, e.data::jsonb, e.created_at, null
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])
       with ordinality as e(id, phone_number_id, type, conversation_id, message_id, data, created_at, by_number, by_message, ord)
     where exists (select 1 from m where m.phone_number_id = e.by_number and m.id = e.by_message)
     order by e.ord
     returning id)
   select phone_number_id, id from m`,
);
