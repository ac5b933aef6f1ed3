import { type Kysely, type Transaction, sql } from 'kysely';
import { forClaimInOrder } from '../db/dialect.ts';
import type { DB, EventRow, WebhookRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Takes the oldest events not fanned out yet, in their order. On PostgreSQL a worker waits for
 * the events another worker is fanning out (never skips them: their conversations' later events
 * would get deliveries first), so two workers never dispatch one event twice and each
 * conversation's deliveries are made in order (the unique (event_id, webhook_id) of deliveries is
 * the second line of defence).
 */
export async function claimUndispatchedEvents(db: Db, limit: number): Promise<EventRow[]> {
  return forClaimInOrder(
    db,
    db.selectFrom('events').selectAll().where('dispatched_at', 'is', null).orderBy('seq').limit(limit),
  ).execute();
}

/** Marks events fanned out. */
export async function markEventsDispatched(db: Db, seqs: readonly number[], now: number): Promise<void> {
  if (seqs.length === 0) return;
  await db.updateTable('events').set({ dispatched_at: now }).where('seq', 'in', seqs).execute();
}

/** The project of each phone number named (a number belongs to one project). */
export async function findProjectsOfNumbers(db: Db, phoneNumberIds: readonly string[]): Promise<Map<string, string>> {
  if (phoneNumberIds.length === 0) return new Map();
  const rows = await db.selectFrom('phone_numbers').select(['id', 'project_id']).where('id', 'in', phoneNumberIds).execute();
  return new Map(rows.map((r) => [r.id, r.project_id]));
}

/** Every active subscription of the given projects, both scopes and both kinds. */
export async function findActiveWebhooksOfProjects(db: Db, projectIds: readonly string[]): Promise<WebhookRow[]> {
  if (projectIds.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('project_id', 'in', projectIds).where('active', '=', 1).execute();
}

/** A delivery to insert at fan-out. */
export interface NewDelivery {
  id: string;
  event_id: string;
  webhook_id: string;
  project_id: string;
  phone_number_id: string | null;
  conversation_id: string | null;
  event_type: string;
  ordered: number;
  buffered: number;
  next_attempt_at: number;
  deadline_at: number;
  created_at: number;
}

/** Inserts deliveries; one already made for an (event, webhook) pair is left as it is. */
export async function insertDeliveries(db: Db, rows: readonly NewDelivery[]): Promise<void> {
  // Chunked: SQLite binds at most 32,766 parameters per statement.
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200).map((r) => ({ ...r, status: 'pending' as const, attempt_count: 0 }));
    await db
      .insertInto('deliveries')
      .values(chunk)
      .onConflict((oc) => oc.columns(['event_id', 'webhook_id']).doNothing())
      .execute();
  }
}

/** Stores each event's rendered body once (shared by all its deliveries); a body already stored stays. */
export async function insertEventBodies(db: Db, rows: ReadonlyArray<{ event_id: string; body: string }>): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    await db
      .insertInto('event_bodies')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
}

/**
 * When a conversation's buffer for a subscription holds `maxSize` messages, they are due at once
 * (kapso-api.md §8.5: flush when the window expires or the size is reached). Only whole batches
 * are flushed: messages beyond the last full batch keep waiting for their window.
 */
export async function flushFullBuffers(db: Db, webhookId: string, conversationId: string, maxSize: number, now: number): Promise<void> {
  const waiting = await db
    .selectFrom('deliveries')
    .select('seq')
    .where('webhook_id', '=', webhookId)
    .where('conversation_id', '=', conversationId)
    .where('status', '=', sql.lit('pending'))
    .where('buffered', '=', 1)
    .where('attempt_count', '=', 0)
    .orderBy('seq')
    .execute();
  const full = waiting.length - (waiting.length % maxSize);
  if (full === 0) return;
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: now })
    .where('seq', 'in', waiting.slice(0, full).map((w) => w.seq))
    .where('next_attempt_at', '>', now)
    .execute();
}

/** The latest message of a conversation (the `since_message` of an inactivity event). */
export async function findLastMessageOfConversation(db: Db, conversationId: string) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('timestamp', 'desc')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}
