import { type Kysely, type Transaction, sql } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import type { DB, DeliveryRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** How long after an earlier delivery of the conversation was created a later one stops waiting (§8.5). */
export const ORDERING_WAIT_MS = 30_000;

export interface ClaimOptions {
  workerId: string;
  now: number;
  leaseMs: number;
  limit: number;
}

/**
 * Claims up to `limit` due deliveries under a lease (style.md rule 12, graphile's getJobs): pending,
 * due, not leased or with an expired lease (a dead worker's), of a subscription that is active
 * and not paused, and, for ordered events, with no earlier pending delivery of the same
 * conversation younger than 30 s (§8.5). PostgreSQL workers skip each other's locked rows;
 * the conditions are checked again on the row updated, so no delivery is claimed twice.
 */
export function claimDueDeliveriesQuery(db: Db, o: ClaimOptions) {
  const due = db
    .selectFrom('deliveries as d')
    .select('d.seq')
    .where('d.status', '=', sql.lit('pending'))
    .where('d.next_attempt_at', '<=', o.now)
    .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', o.now)]))
    // A correlated EXISTS, not `in (…)`: with `in`, SQLite's planner drives the scan from the
    // webhook index and sorts every pending delivery on each claim; this way both planners walk
    // the due index in order and stop at the limit.
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('webhooks as w').select('w.id').whereRef('w.id', '=', 'd.webhook_id').where('w.active', '=', 1).where('w.paused_at', 'is', null)),
    )
    .where((eb) =>
      eb.or([
        eb('d.ordered', '=', 0),
        eb.not(
          eb.exists(
            eb
              .selectFrom('deliveries as e')
              .select('e.seq')
              .where('e.status', '=', sql.lit('pending'))
              .whereRef('e.webhook_id', '=', 'd.webhook_id')
              .whereRef('e.conversation_id', '=', 'd.conversation_id')
              .whereRef('e.seq', '<', 'd.seq')
              .where('e.ordered', '=', 1)
              .where('e.created_at', '>', o.now - ORDERING_WAIT_MS),
          ),
        ),
      ]),
    )
    .orderBy('d.next_attempt_at')
    .orderBy('d.seq')
    .limit(o.limit);
  return db
    .updateTable('deliveries')
    .set({ locked_by: o.workerId, locked_until: o.now + o.leaseMs })
    .where('seq', 'in', forClaim(db, due))
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', o.now)]))
    .returningAll();
}

/** Runs claimDueDeliveriesQuery. */
export async function claimDueDeliveries(db: Db, o: ClaimOptions): Promise<DeliveryRow[]> {
  return claimDueDeliveriesQuery(db, o).execute();
}

/**
 * Claims the other buffered messages of a conversation waiting for the same subscription, so a
 * batch holds everything buffered so far (§8.5), oldest first, at most `limit`. Only first
 * attempts are batched: a batch that failed is retried item by item.
 */
export async function claimBufferedSiblings(db: Db, anchor: DeliveryRow, o: ClaimOptions): Promise<DeliveryRow[]> {
  if (anchor.conversation_id === null || o.limit <= 0) return [];
  const waiting = db
    .selectFrom('deliveries')
    .select('seq')
    .where('webhook_id', '=', anchor.webhook_id)
    .where('conversation_id', '=', anchor.conversation_id)
    .where('status', '=', sql.lit('pending'))
    .where('buffered', '=', 1)
    .where('attempt_count', '=', 0)
    .where('seq', '!=', anchor.seq)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', o.now)]))
    .orderBy('seq')
    .limit(o.limit);
  return db
    .updateTable('deliveries')
    .set({ locked_by: o.workerId, locked_until: o.now + o.leaseMs })
    .where('seq', 'in', forClaim(db, waiting))
    .returningAll()
    .execute();
}

/** One attempt's outcome for one delivery, as recorded. */
export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: number;
  durationMs: number;
  responseStatus: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  responseExcerpt: string | null;
  batchSize: number;
}

/** Appends attempts to the delivery log. */
export async function insertAttempts(db: Db, attempts: readonly AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  await db
    .insertInto('delivery_attempts')
    .values(
      attempts.map((a) => ({
        delivery_id: a.deliveryId,
        attempt: a.attempt,
        started_at: a.startedAt,
        duration_ms: a.durationMs,
        response_status: a.responseStatus,
        error_class: a.errorClass,
        error_message: a.errorMessage,
        response_excerpt: a.responseExcerpt,
        batch_size: a.batchSize,
      })),
    )
    .execute();
}

/** Marks deliveries delivered and releases their lease, if this worker still holds it. */
export async function markDelivered(db: Db, ids: readonly string[], workerId: string, at: number, responseStatus: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      status: 'delivered',
      attempt_count: eb('attempt_count', '+', 1),
      delivered_at: at,
      last_attempt_at: at,
      response_status: responseStatus,
      last_error: null,
      locked_by: null,
      locked_until: null,
    }))
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .where('status', '=', sql.lit('pending'))
    .execute();
}

/**
 * Records a failed attempt: the delivery is due again at `retryAt`, or failed for good when
 * there is no retry left (null). Batched items leave the batch (a failed batch is retried as
 * individual deliveries, §8.5).
 */
export async function markAttemptFailed(
  db: Db,
  id: string,
  workerId: string,
  f: { at: number; retryAt: number | null; responseStatus: number | null; error: string },
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({
      status: f.retryAt === null ? 'failed' : 'pending',
      attempt_count: eb('attempt_count', '+', 1),
      next_attempt_at: f.retryAt ?? f.at,
      failed_at: f.retryAt === null ? f.at : null,
      last_attempt_at: f.at,
      response_status: f.responseStatus,
      last_error: f.error,
      locked_by: null,
      locked_until: null,
    }))
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', '=', sql.lit('pending'))
    .execute();
}

/** A success resets a subscription's failure run. */
export async function recordWebhookSuccess(db: Db, webhookId: string): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({ consecutive_failures: 0, failing_since: null })
    .where('id', '=', webhookId)
    .where('consecutive_failures', '>', 0)
    .execute();
}

/**
 * Counts a failed attempt against its subscription and pauses it once it has failed without a
 * single success for `pauseAfterMs` (and at least `minFailures` times, so one slow retry does not
 * pause a quiet subscription). Paused deliveries wait, pending, until the subscription is resumed.
 * Returns whether this call paused it.
 */
export async function recordWebhookFailure(db: Db, webhookId: string, at: number, pauseAfterMs: number, minFailures: number): Promise<boolean> {
  const row = await db
    .updateTable('webhooks')
    .set((eb) => ({
      consecutive_failures: eb('consecutive_failures', '+', 1),
      failing_since: eb.fn.coalesce('failing_since', eb.val(at)),
    }))
    .where('id', '=', webhookId)
    .returning(['consecutive_failures', 'failing_since', 'paused_at'])
    .executeTakeFirst();
  if (!row || row.paused_at !== null || row.failing_since === null) return false;
  if (at - row.failing_since < pauseAfterMs || row.consecutive_failures < minFailures) return false;
  const paused = await db.updateTable('webhooks').set({ paused_at: at }).where('id', '=', webhookId).where('paused_at', 'is', null).executeTakeFirst();
  return Number(paused.numUpdatedRows) > 0;
}

/** The subscriptions of claimed deliveries (whatever their state: a claim already filtered). */
export async function findWebhooksByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute();
}
