import { type Kysely, type SelectQueryBuilder, sql, type Transaction } from 'kysely';
import type { DB, NewWebhook, WebhookRow } from '../db/schema.ts';
import type { SettingsColumns } from './columns.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** List filters of §8.7; every one optional. */
export interface WebhookFilters {
  phoneNumberId?: string;
  urlContains?: string;
  active?: boolean;
  /** Epoch ms, exclusive. */
  createdAfterMs?: number;
  createdBeforeMs?: number;
}

/** What an update may change: settings, the sealed secret. */
export type WebhookPatch = Partial<SettingsColumns> & { secret_enc?: string };

/** Stores a new subscription. */
export async function insertWebhook(db: Db, row: NewWebhook): Promise<void> {
  await db.insertInto('webhooks').values(row).execute();
}

/** The project's webhook with this id; another project's id is a miss like an unknown one. */
export async function findWebhook(db: Db, projectId: string, id: string): Promise<WebhookRow | undefined> {
  return db.selectFrom('webhooks').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

/** How many of the project's webhooks match the filters. */
export async function countWebhooks(db: Db, projectId: string, filters: WebhookFilters): Promise<number> {
  const row = await filtered(db, projectId, filters)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One offset page of the project's matching webhooks, most recent first (as Kapso lists them). */
export async function listWebhooksPage(db: Db, projectId: string, filters: WebhookFilters, offset: number, limit: number): Promise<WebhookRow[]> {
  return filtered(db, projectId, filters)
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(offset)
    .limit(limit)
    .execute();
}

function filtered(db: Db, projectId: string, f: WebhookFilters): SelectQueryBuilder<DB, 'webhooks', object> {
  let q = db.selectFrom('webhooks').where('project_id', '=', projectId);
  if (f.phoneNumberId !== undefined) q = q.where('phone_number_id', '=', f.phoneNumberId);
  if (f.active !== undefined) q = q.where('active', '=', f.active ? 1 : 0);
  if (f.createdAfterMs !== undefined) q = q.where('created_at', '>', f.createdAfterMs);
  if (f.createdBeforeMs !== undefined) q = q.where('created_at', '<', f.createdBeforeMs);
  if (f.urlContains !== undefined) {
    // lower() on both sides: SQLite's LIKE ignores ASCII case and PostgreSQL's does not, so
    // without it the dialects would disagree. `!` escapes the caller's own % and _.
    const pattern = `%${f.urlContains.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    q = q.where(sql<boolean>`lower(${sql.ref('url')}) like ${pattern} escape ${sql.lit('!')}`);
  }
  return q;
}

/**
 * Changes the project's webhook and returns it, or undefined when it is not the project's.
 * Setting `active` to 1 is also how a paused webhook is resumed, so it clears the pause and the
 * run of failures the worker paused it for.
 */
export async function updateWebhook(db: Db, projectId: string, id: string, patch: WebhookPatch, now: number): Promise<WebhookRow | undefined> {
  const resume = patch.active === 1 ? { paused_at: null, consecutive_failures: 0, failing_since: null } : {};
  return db
    .updateTable('webhooks')
    .set({ ...patch, ...resume, updated_at: now })
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .returningAll()
    .executeTakeFirst();
}

/** Deletes the project's webhook; false when it is not the project's. */
export async function deleteWebhook(db: Db, projectId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Ends the deliveries a deleted webhook still had waiting: failed, saying why, so the log shows
 * what was never sent instead of keeping them pending for ever.
 */
export async function failPendingDeliveriesOfWebhook(db: Db, projectId: string, webhookId: string, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'failed', failed_at: now, last_error: 'webhook_deleted: the subscription was deleted', locked_by: null, locked_until: null })
    .where('webhook_id', '=', webhookId)
    .where('project_id', '=', projectId)
    .where('status', '=', 'pending')
    .execute();
}

/** The `meta`-kind webhook of a phone number, if it has one (there is at most one, §8.1). */
export async function findMetaWebhookForNumber(db: Db, phoneNumberId: string): Promise<WebhookRow | undefined> {
  return db
    .selectFrom('webhooks')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('kind', '=', 'meta')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Holds the phone number's row lock until the transaction ends, so two concurrent creates of a
 * `meta` webhook for one number run one after the other and the second sees the first (the
 * table has no unique index for "one meta per number"). A no-op UPDATE locks the row on
 * PostgreSQL and takes the write lock on SQLite, with the same SQL on both.
 */
export async function lockPhoneNumberForWebhooks(db: Db, phoneNumberId: string): Promise<void> {
  await db.updateTable('phone_numbers').set((eb) => ({ created_at: eb.ref('created_at') })).where('id', '=', phoneNumberId).execute();
}
