import { type Kysely, type Transaction, sql } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import { leaseColumns, type LeaseRequest } from '../db/lease.ts';
import { lockDeliveryLanes } from '../db/message-lock.ts';
import type { DB, DeliveryRow, DeliveryWithBody } from '../db/schema.ts';
import { HELD_FOR_SUBSCRIPTION, holdDeliveriesOfWebhook } from '../webhooks/held-deliveries-store.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * How long a delivery waits for the earlier ones of its conversation before it is sent anyway
 * (§8.5 ordering). A delivery held for ordering is simply due this long after it was created;
 * finishing the one before it brings it forward to "now" (releaseNextInConversations).
 */
export const ORDERING_WAIT_MS = 30_000;

export type ClaimOptions = LeaseRequest;

/**
 * Claims up to `limit` due deliveries under a lease (style.md rule 12, graphile's getJobs): one
 * range scan of the due index, oldest first. Claiming moves `next_attempt_at` to the end of the
 * lease, so leased rows leave the due range, and a dead worker's rows come back into it by
 * themselves when their lease runs out. Ordering and pausing are settled when deliveries are
 * made and finished (they are not due while they wait), so the claim has no other condition: a
 * join here would let the planners leave the due index (PostgreSQL did, under churn). A delivery
 * whose subscription was paused or deactivated meanwhile is put back on hold by the worker
 * (holdClaimedDeliveries). PostgreSQL workers skip each other's locked rows; the due condition is
 * checked again on the row updated, so no delivery is claimed twice.
 */
export function claimDueDeliveriesQuery(db: Db, o: ClaimOptions) {
  const due = db
    .selectFrom('deliveries as d')
    .select('d.seq')
    .where('d.status', '=', sql.lit('pending'))
    .where('d.next_attempt_at', '<=', o.now)
    .orderBy('d.next_attempt_at')
    .orderBy('d.seq')
    .limit(o.limit);
  // A MATERIALIZED CTE, evaluated once: as a plain `in (subquery)`, PostgreSQL may run the
  // limited, skip-locked subquery again for every outer row, each time past the rows already
  // claimed, and so claim every due row whatever the limit.
  return db
    .with((cte) => cte('due').materialized(), () => forClaim(db, due))
    .updateTable('deliveries')
    .set(leaseColumns(o))
    .where('seq', 'in', (eb) => eb.selectFrom('due').select('due.seq'))
    .where('status', '=', sql.lit('pending'))
    .where('next_attempt_at', '<=', o.now)
    .returningAll();
}

/** Runs claimDueDeliveriesQuery. */
export async function claimDueDeliveries(db: Db, o: ClaimOptions): Promise<DeliveryRow[]> {
  return claimDueDeliveriesQuery(db, o).execute();
}

/** The claimed deliveries with the bodies they send (one query for all of them). */
export async function attachBodies(db: Db, deliveries: readonly DeliveryRow[]): Promise<DeliveryWithBody[]> {
  if (deliveries.length === 0) return [];
  const rows = await db
    .selectFrom('event_bodies')
    .select(['event_id', 'body'])
    .where('event_id', 'in', [...new Set(deliveries.map((d) => d.event_id))])
    .execute();
  const bodies = new Map(rows.map((r) => [r.event_id, r.body]));
  return deliveries.flatMap((d) => {
    const body = bodies.get(d.event_id);
    return body === undefined ? [] : [{ ...d, body }];
  });
}

/** A (subscription, conversation) pair whose deliveries are kept in order. */
export interface ConversationLane {
  webhookId: string;
  conversationId: string;
}

/** The lanes, among those given, that already have an ordered delivery waiting. */
export async function findBusyLanes(db: Db, lanes: readonly ConversationLane[]): Promise<Set<string>> {
  if (lanes.length === 0) return new Set();
  const rows = await db
    .selectFrom('deliveries')
    .select(['webhook_id', 'conversation_id'])
    .distinct()
    .where('status', '=', sql.lit('pending'))
    .where('ordered', '=', 1)
    .where('webhook_id', 'in', [...new Set(lanes.map((l) => l.webhookId))])
    .where('conversation_id', 'in', [...new Set(lanes.map((l) => l.conversationId))])
    .execute();
  return new Set(rows.map((r) => laneKey(r.webhook_id, r.conversation_id as string)));
}

export const laneKey = (webhookId: string, conversationId: string) => `${webhookId}\n${conversationId}`;

/**
 * Brings each lane's next waiting delivery forward to `now`: the one before it was delivered (or
 * gave up), so it need not wait out its 30 s (§8.5). Two statements for any number of lanes: the
 * first waiting delivery of every candidate lane, then the update of those whose lane finished.
 */
export async function releaseNextInConversations(db: Db, lanes: readonly ConversationLane[], now: number): Promise<void> {
  if (lanes.length === 0) return;
  const finished = new Set(lanes.map((l) => laneKey(l.webhookId, l.conversationId)));
  await lockDeliveryLanes(db, [...finished]);
  const heads = await db
    .selectFrom('deliveries')
    .select(['webhook_id', 'conversation_id', (eb) => eb.fn.min('seq').as('seq')])
    .where('status', '=', sql.lit('pending'))
    .where('ordered', '=', 1)
    .where('webhook_id', 'in', [...new Set(lanes.map((l) => l.webhookId))])
    .where('conversation_id', 'in', [...new Set(lanes.map((l) => l.conversationId))])
    .groupBy(['webhook_id', 'conversation_id'])
    .execute();
  const next = heads.filter((h) => finished.has(laneKey(h.webhook_id, h.conversation_id as string))).map((h) => Number(h.seq));
  if (next.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: now })
    .where('seq', 'in', next)
    .where('attempt_count', '=', 0)
    .where('locked_by', 'is', null)
    .where('next_attempt_at', '>', now)
    .where('next_attempt_at', '<', HELD_FOR_SUBSCRIPTION)
    .execute();
}

/**
 * Releases the given held deliveries whose lane no longer has an earlier one waiting. Fan-out
 * runs it after committing: on PostgreSQL the delivery before a newly held one may have finished
 * (and looked for a successor to release) while the fan-out transaction was still uncommitted.
 */
export async function releaseUnblocked(db: Db, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries as d')
    .set({ next_attempt_at: now })
    .where('d.id', 'in', ids)
    .where('d.status', '=', sql.lit('pending'))
    .where('d.attempt_count', '=', 0)
    .where('d.locked_by', 'is', null)
    .where('d.next_attempt_at', '>', now)
    .where('d.next_attempt_at', '<', HELD_FOR_SUBSCRIPTION)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deliveries as e')
            .select('e.seq')
            .where('e.status', '=', sql.lit('pending'))
            .where('e.ordered', '=', 1)
            .whereRef('e.webhook_id', '=', 'd.webhook_id')
            .whereRef('e.conversation_id', '=', 'd.conversation_id')
            .whereRef('e.seq', '<', 'd.seq'),
        ),
      ),
    )
    .execute();
}

/** Puts claimed deliveries of a subscription that is paused or inactive back on hold, unleased. */
export async function holdClaimedDeliveries(db: Db, ids: readonly string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('deliveries')
    .set({ next_attempt_at: HELD_FOR_SUBSCRIPTION, locked_by: null, locked_until: null })
    .where('id', 'in', ids)
    .where('locked_by', '=', workerId)
    .execute();
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
    .where((eb) => eb.or([eb('locked_by', 'is', null), eb('locked_until', '<', o.now)]))
    .orderBy('seq')
    .limit(o.limit);
  return db
    .with((cte) => cte('waiting').materialized(), () => forClaim(db, waiting))
    .updateTable('deliveries')
    .set(leaseColumns(o))
    .where('seq', 'in', (eb) => eb.selectFrom('waiting').select('waiting.seq'))
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
  if (Number(paused.numUpdatedRows) === 0) return false;
  await holdDeliveriesOfWebhook(db, webhookId);
  return true;
}

/** The subscriptions of claimed deliveries (whatever their state: a claim already filtered). */
export async function findWebhooksByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('webhooks').selectAll().where('id', 'in', ids).execute();
}
