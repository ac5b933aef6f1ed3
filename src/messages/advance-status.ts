import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { nextStatus } from './statuses.ts';
import { findMessageStatus, updateMessageStatus } from './store.ts';

/** What applying a status event did: the message is absent, kept its status, or moved to `to`. */
export type StatusOutcome = { kind: 'missing' } | { kind: 'unchanged' } | { kind: 'advanced'; to: string };

/**
 * Applies one status event to a stored message without ever moving it backwards, safely under
 * concurrency: the new status is written only if the one it was computed from is still there
 * (compare-and-set), else it is read and decided again. On PostgreSQL two webhooks for one
 * message (`read` and `delivered`) may commit side by side; neither can undo the other.
 * A missing message keeps the event in the history until it is stored (storeConversationMessages).
 */
export async function advanceMessageStatus(db: Kysely<DB> | Transaction<DB>, phoneNumberId: string, id: string, incoming: string, now: number): Promise<StatusOutcome> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await findMessageStatus(db, phoneNumberId, id);
    if (current === undefined) return { kind: 'missing' };
    const next = nextStatus(current, incoming);
    if (next === current) return { kind: 'unchanged' };
    if (await updateMessageStatus(db, phoneNumberId, id, current, next, now)) return { kind: 'advanced', to: next };
  }
  throw new Error(`status of ${id} kept changing under concurrent updates`);
}
