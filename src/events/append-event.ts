import type { Kysely, Transaction } from 'kysely';
import { writeJson } from '../db/json.ts';
import { isPostgres } from '../db/dialect.ts';
import { rawQuery } from '../db/executor.ts';
import type { DB } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';

/** A subscribable change, as the domain that causes it describes it. */
export interface OutboxEvent {
  /** §8.2 event name (or META_RAW_EVENT). */
  type: string;
  phoneNumberId: string | null;
  /** Set for project events; number events leave it to the fan-out (the number's project). */
  projectId?: string | null;
  conversationId?: string | null;
  messageId?: string | null;
  /** What the payload is rendered from: the status the event reports, flags, raw bodies. */
  data?: Record<string, unknown>;
}

/**
 * Appends an event to the outbox inside the caller's transaction (the transactional outbox of
 * design.md): the event exists if and only if the change that caused it committed. Returns the
 * event id, which deliveries send as `X-Idempotency-Key`: a time-ordered UUID (v7), so the
 * unique index on it grows at its end like the table instead of taking a write on a random
 * page per event.
 */
export async function appendEvent(db: Kysely<DB> | Transaction<DB>, event: OutboxEvent, now: number): Promise<string> {
  const id = timeOrderedUuid();
  await insertEventRow(db, [
    id,
    event.projectId ?? null,
    event.phoneNumberId,
    event.type,
    event.conversationId ?? null,
    event.messageId ?? null,
    writeJson(event.data ?? {}),
    now,
  ]);
  return id;
}
// On the ingest hot path (one or two per message): precompiled SQL (db/executor.ts).
const insertEventRow = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, null)`,
);

/**
 * appendEvent for several events, each with its own creation time, appended in order: on
 * PostgreSQL in one statement (a round trip per event, inside a transaction holding ingest's
 * locks, made every other batch wait); on SQLite the precompiled insert per event is cheaper.
 */
export async function appendEvents(db: Kysely<DB> | Transaction<DB>, events: ReadonlyArray<{ event: OutboxEvent; now: number }>): Promise<void> {
  if (events.length === 0) return;
  if (!isPostgres(db) || events.length === 1) {
    for (const { event, now } of events) await appendEvent(db, event, now);
    return;
  }
  const column = <T>(f: (e: { event: OutboxEvent; now: number }) => T) => events.map(f);
  await insertEventRows(db, [
    column(() => timeOrderedUuid()),
    column((e) => e.event.projectId ?? null),
    column((e) => e.event.phoneNumberId),
    column((e) => e.event.type),
    column((e) => e.event.conversationId ?? null),
    column((e) => e.event.messageId ?? null),
    column((e) => writeJson(e.event.data ?? {})),
    column((e) => e.now),
  ]);
}
// PostgreSQL only: the rows as arrays, inserted in their order (the outbox is read by seq).
const insertEventRows = rawQuery(
  `insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
   select id, project_id, phone_number_id, type, conversation_id, message_id, data::jsonb, created_at, null
   from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
     with ordinality as e(id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, ord)
   order by e.ord`,
);
