import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeJson } from '../db/json.ts';
import type { DB } from '../db/schema.ts';

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
 * event id, which deliveries send as `X-Idempotency-Key`.
 */
export async function appendEvent(db: Kysely<DB> | Transaction<DB>, event: OutboxEvent, now: number): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('events')
    .values({
      id,
      project_id: event.projectId ?? null,
      phone_number_id: event.phoneNumberId,
      type: event.type,
      conversation_id: event.conversationId ?? null,
      message_id: event.messageId ?? null,
      data: writeJson(event.data ?? {}),
      created_at: now,
      dispatched_at: null,
    })
    .execute();
  return id;
}
