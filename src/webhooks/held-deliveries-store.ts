import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Due instant of the deliveries of a paused or inactive subscription: never, until it is resumed
 * (releaseDeliveriesOfWebhook). Kept out of the due range so no claim ever walks over them.
 */
export const HELD_FOR_SUBSCRIPTION = 8_640_000_000_000_000;

/** Keeps a paused or deactivated subscription's deliveries out of every claim until it is resumed. */
export async function holdDeliveriesOfWebhook(db: Db, webhookId: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: HELD_FOR_SUBSCRIPTION })
    .where('webhook_id', '=', webhookId)
    .where('status', '=', sql.lit('pending'))
    .where('locked_by', 'is', null)
    .execute();
}

/** A resumed subscription's held deliveries are due at once. */
export async function releaseDeliveriesOfWebhook(db: Db, webhookId: string, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: now })
    .where('webhook_id', '=', webhookId)
    .where('status', '=', sql.lit('pending'))
    .where('next_attempt_at', '=', HELD_FOR_SUBSCRIPTION)
    .execute();
}
