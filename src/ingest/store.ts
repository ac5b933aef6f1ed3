import type { Transaction } from 'kysely';
import { type ConversationMessageSummary, recordConversationMessages } from '../conversations/store.ts';
import { isPostgres } from '../db/dialect.ts';
import { writeJson } from '../db/json.ts';
import { rawQuery } from '../db/raw-query.ts';
import type { DB, NewMessage } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';
import { insertMessagesIfAbsent, MESSAGE_INSERT_COLUMNS, messageInsertValues, messageKeyOf } from '../messages/store.ts';
import { appendEvents, type OutboxEvent } from '../events/append-event.ts';

/** An inbound message placed in its conversation, with what its storing changes besides its row. */
export interface PlacedInbound {
  row: NewMessage;
  /** The conversation's `last_message_text` should this message be its newest. */
  previewText: string;
  /** The outbox events its storing fires, in order; appended only if the message is inserted. */
  events: OutboxEvent[];
}

/**
 * Inserts a batch's inbound messages (each once per number and wamid) and, for those inserted,
 * counts them into their conversations (summary moved to the newest; of equal timestamps the
 * later) and appends their events. Returns the keys (messageKeyOf) of the messages inserted. One
 * statement on PostgreSQL, where the three steps were three round trips per batch; on SQLite the
 * same steps one after the other.
 */
export async function writeInboundMessages(trx: Transaction<DB>, placed: readonly PlacedInbound[]): Promise<Set<string>> {
  if (placed.length === 0) return new Set();
  if (isPostgres(trx)) return writeInPostgres(trx, placed);
  const inserted = await insertMessagesIfAbsent(trx, placed.map((p) => p.row));
  const kept = placed.filter((p) => inserted.has(messageKeyOf(p.row.phone_number_id, p.row.id)));
  await recordConversationMessages(trx, summarize(kept));
  await appendEvents(trx, kept.flatMap((p) => p.events.map((event) => ({ event, now: p.row.created_at }))));
  return inserted;
}

/** Per conversation: how many of these messages it gets, and the newest (the later of equal timestamps). */
export function summarize(placed: readonly PlacedInbound[]): Array<{ conversationId: string; count: number; last: ConversationMessageSummary }> {
  const summaries = new Map<string, { conversationId: string; count: number; last: ConversationMessageSummary }>();
  for (const { row, previewText } of placed) {
    const last: ConversationMessageSummary = { id: row.id, type: row.type, direction: 'inbound', at: row.timestamp * 1000, previewText, now: row.updated_at };
    const summary = summaries.get(row.conversation_id);
    if (!summary) {
      summaries.set(row.conversation_id, { conversationId: row.conversation_id, count: 1, last });
      continue;
    }
    summary.count++;
    const now = Math.max(summary.last.now, last.now);
    if (last.at >= summary.last.at) summary.last = last;
    summary.last.now = now;
  }
  return [...summaries.values()];
}

async function writeInPostgres(trx: Transaction<DB>, placed: readonly PlacedInbound[]): Promise<Set<string>> {
  // One array per column: the rows' values transposed.
  const values = placed.map((p) => messageInsertValues(p.row));
  const columns = (values[0] ?? []).map((_, c) => values.map((row) => row[c]));
  const events = placed.flatMap((p) => p.events.map((event) => ({ event, row: p.row })));
  const inserted = await insertInboundBatch(trx, [
    ...columns,
    placed.map((p) => p.previewText),
    events.map(() => timeOrderedUuid()), events.map(({ event }) => event.phoneNumberId), events.map(({ event }) => event.type),
    events.map(({ event }) => event.conversationId ?? null), events.map(({ event }) => event.messageId ?? null),
    events.map(({ event }) => writeJson(event.data ?? {})), events.map(({ row }) => row.created_at),
    events.map(({ row }) => row.phone_number_id), events.map(({ row }) => row.id),
  ]);
  return new Set(inserted.map((r) => messageKeyOf(r.phone_number_id, r.id)));
}

// The messages (in their order, so their seq is the history's order), then the summary of each
// conversation over the rows actually inserted (the newest by timestamp, then seq: the later of
// equal timestamps), then the events of the inserted messages. Every step of one statement sees
// the same snapshot; the events read the messages' RETURNING rows. Inbound only: the newest
// message is the latest inbound one.
const insertInboundBatch = rawQuery<{ phone_number_id: string; id: string }>(
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
     returning phone_number_id, id, seq, conversation_id, timestamp, type, updated_at),
   summary as (
     select distinct on (m.conversation_id) m.conversation_id, count(*) over (partition by m.conversation_id) as count,
       m.id as last_id, m.type as last_type, i.preview as last_text, m.timestamp * 1000 as at,
       max(m.updated_at) over (partition by m.conversation_id) as now
     from m join input i on i.phone_number_id = m.phone_number_id and i.id = m.id
     order by m.conversation_id, m.timestamp desc, m.seq desc),
   counted as (
     update conversations c set
       messages_count = c.messages_count + s.count,
       last_message_id = case when c.last_message_at is null or c.last_message_at <= s.at then s.last_id else c.last_message_id end,
       last_message_type = case when c.last_message_at is null or c.last_message_at <= s.at then s.last_type else c.last_message_type end,
       last_message_text = case when c.last_message_at is null or c.last_message_at <= s.at then s.last_text else c.last_message_text end,
       last_message_at = case when c.last_message_at is null or c.last_message_at <= s.at then s.at else c.last_message_at end,
       last_inbound_at = case when c.last_inbound_at is null or c.last_inbound_at < s.at then s.at else c.last_inbound_at end,
       last_active_at = case when c.last_active_at < s.at then s.at else c.last_active_at end,
       updated_at = s.now
     from summary s where c.id = s.conversation_id
     returning c.id),
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
