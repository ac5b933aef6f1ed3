import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { nextStatus } from './statuses.ts';
import { findMessageStatus, updateMessageStatus } from './store.ts';

/**
 * Applies one status event to a stored message without ever moving it backwards, safely under
 * concurrency: the new status is written only if the one it was computed from is still there
 * (compare-and-set), else it is read and decided again. On PostgreSQL two webhooks for one
 * message (`read` and `delivered`) may commit side by side; neither can undo the other.
 * Returns false when the message is not stored (the event stays in the history until it is).
 */
export async function advanceMessageStatus(db: Kysely<DB> | Transaction<DB>, phoneNumberId: string, id: string, incoming: string, now: number): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await findMessageStatus(db, phoneNumberId, id);
    if (current === undefined) return false;
    const next = nextStatus(current, incoming);
    if (next === current || (await updateMessageStatus(db, phoneNumberId, id, current, next, now))) return true;
  }
  throw new Error(`status of ${id} kept changing under concurrent updates`);
}
