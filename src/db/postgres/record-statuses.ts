import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { StatusEvent, StatusHistoryRow, StatusMove } from '../store-primitives.ts';
import { timeOrderedUuid } from '../time-ordered-id.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * PostgreSQL: one statement keeps the batch's statuses and reads their messages. Status by status
 * it was two or three round trips each, all made while holding the messages' locks and the
 * contacts', which every other batch sharing a key or a customer waited out.
 */
export async function keepStatusesInPostgres(db: Db, rows: readonly StatusHistoryRow[]): Promise<Array<{ ord: number; current: string | null }>> {
  if (rows.length === 0) return [];
  const column = <K extends keyof StatusHistoryRow>(k: K) => rows.map((r) => r[k]);
  return insertStatusesReadingMessages(db, [
    column('phone_number_id'), column('message_id'), column('status'), column('timestamp'), column('dedupe_key'), column('payload'), column('received_at'),
  ]);
}

/** PostgreSQL: one statement moves every message and appends the events of those moved. */
export async function moveMessageStatusesInPostgres(db: Db, moves: readonly StatusMove[], events: readonly StatusEvent[]): Promise<Array<{ phone_number_id: string; id: string }>> {
  if (moves.length === 0) return [];
  return applyMovesFiringEvents(db, [
    moves.map((m) => m.phoneNumberId), moves.map((m) => m.messageId), moves.map((m) => m.from), moves.map((m) => m.to), moves.map((m) => m.now),
    events.map(() => timeOrderedUuid()), events.map((e) => e.phoneNumberId), events.map((e) => e.type), events.map((e) => e.messageId),
    events.map((e) => e.data), events.map((e) => e.now),
  ]);
}

// The statuses kept once each (their order is the history's order of arrival), and for each one
// stored, the status of its message as it stands (null: the message is not stored).
const insertStatusesReadingMessages = rawQuery<{ ord: number; current: string | null }>(
  `with input as (
     select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[])
       with ordinality as i(phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at, ord)),
   stored as (
     insert into message_statuses (phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at)
     select phone_number_id, message_id, status, timestamp, dedupe_key, payload::jsonb, received_at from input order by ord
     on conflict (phone_number_id, message_id, dedupe_key) do nothing
     returning phone_number_id, message_id, dedupe_key)
   select i.ord, m.status as current from stored s
   join input i on i.phone_number_id = s.phone_number_id and i.message_id = s.message_id and i.dedupe_key = s.dedupe_key
   left join messages m on m.phone_number_id = i.phone_number_id and m.id = i.message_id`,
);

// Each message moved from the status it was read with (compare-and-set), then the events of the
// messages moved, in order.
const applyMovesFiringEvents = rawQuery<{ phone_number_id: string; id: string }>(
  `with moved as (
     update messages m set status = u.to_status, updated_at = u.now
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) as u(phone_number_id, id, from_status, to_status, now)
     where m.phone_number_id = u.phone_number_id and m.id = u.id and m.status = u.from_status
     returning m.phone_number_id, m.id),
   fired as (
     insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
     select e.id, null, e.phone_number_id, e.type, null, e.message_id, e.data::jsonb, e.created_at, null
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
       with ordinality as e(id, phone_number_id, type, message_id, data, created_at, ord)
     where exists (select 1 from moved where moved.phone_number_id = e.phone_number_id and moved.id = e.message_id)
     order by e.ord
     returning id)
   select phone_number_id, id from moved`,
);
