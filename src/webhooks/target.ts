import type { Kysely, Transaction } from 'kysely';
import type { DB, WebhookRow } from '../db/schema.ts';
import { deleteWebhook, failPendingDeliveriesOfWebhook, findWebhook } from './store.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A webhook as a request addresses it: by id in the caller's project, and, on the
 * `/phone_numbers/{phone_number_id}/webhooks/{id}` paths, under that number.
 */
export interface WebhookTarget {
  projectId: string;
  id: string;
  /** Set when the path names a phone number; the webhook must then belong to it. */
  phoneNumberId?: string;
}

/** The addressed webhook, or undefined for unknown, foreign and other-number ids alike. */
export async function findTargetWebhook(db: Db, target: WebhookTarget): Promise<WebhookRow | undefined> {
  const row = await findWebhook(db, target.projectId, target.id);
  if (!row || (target.phoneNumberId !== undefined && row.phone_number_id !== target.phoneNumberId)) return undefined;
  return row;
}

/** Deletes the addressed webhook and fails what it still had waiting; false when there is none to delete. */
export async function removeTargetWebhook(db: Kysely<DB>, target: WebhookTarget, now: number): Promise<boolean> {
  if (target.phoneNumberId !== undefined && !(await findTargetWebhook(db, target))) return false;
  return db.transaction().execute(async (trx) => {
    const deleted = await deleteWebhook(trx, target.projectId, target.id);
    if (deleted) await failPendingDeliveriesOfWebhook(trx, target.projectId, target.id, now);
    return deleted;
  });
}
