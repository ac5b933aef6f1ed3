import { type Kysely, type Transaction, sql } from 'kysely';
import type { DB, DeliveryAttemptRow, DeliveryRow, DeliveryStatus } from '../db/schema.ts';
import type { KeysetWindow } from '../http/list-page.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The delivery log (kapso-api.md §8.8): reads of the `deliveries` and `delivery_attempts` rows of
 * one project, and the statements that put finished deliveries back in the queue. Every function
 * takes the project id, so another project's delivery is as absent as one that never existed.
 */

/** A delivery as the log shows it: the row, its subscription's URL and the customer's number. */
export type DeliveryLogRow = DeliveryRow & { webhook_url: string | null; conversation_phone_number: string | null };

/** The filters of `GET /platform/v1/webhook_deliveries`, combined with AND. */
export interface DeliveryLogFilter {
  status?: DeliveryStatus | undefined;
  event?: string | undefined;
  webhookId?: string | undefined;
  /** Only deliveries that failed, or whose last attempt failed. */
  errorsOnly?: boolean | undefined;
  /** Epoch ms, inclusive bounds on created_at. */
  sinceMs?: number | undefined;
  untilMs?: number | undefined;
}

/** A delivery's place in the log: when it was created, then the insertion sequence. */
export type DeliveryKey = readonly [createdAt: number, seq: number];

/**
 * The project's deliveries with what the log item needs beyond the row. The subscription is a
 * left join: deliveries outlive a deleted webhook, whose URL is then unknown.
 */
function deliveriesOfProject(db: Db, projectId: string) {
  return db
    .selectFrom('deliveries')
    .leftJoin('webhooks', 'webhooks.id', 'deliveries.webhook_id')
    .leftJoin('conversations', 'conversations.id', 'deliveries.conversation_id')
    .selectAll('deliveries')
    .select(['webhooks.url as webhook_url', 'conversations.wa_id as conversation_phone_number'])
    .where('deliveries.project_id', '=', projectId);
}

/**
 * One keyset window of the project's delivery log, newest first (ascending from a `before`
 * cursor): a range scan of deliveries_project_created (project_id, created_at, seq); the other
 * filters are checked on the rows scanned, and the joins are primary-key probes.
 */
export function listDeliveriesQuery(db: Db, projectId: string, f: DeliveryLogFilter, window: KeysetWindow<DeliveryKey>) {
  let q = deliveriesOfProject(db, projectId);
  if (f.status !== undefined) q = q.where('deliveries.status', '=', f.status);
  if (f.event !== undefined) q = q.where('deliveries.event_type', '=', f.event);
  if (f.webhookId !== undefined) q = q.where('deliveries.webhook_id', '=', f.webhookId);
  if (f.errorsOnly) q = q.where((eb) => eb.or([eb('deliveries.status', '=', sql.lit('failed')), eb('deliveries.last_error', 'is not', null)]));
  if (f.sinceMs !== undefined) q = q.where('deliveries.created_at', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('deliveries.created_at', '<=', f.untilMs);
  const { start } = window;
  if (start.kind !== 'first') {
    const [createdAt, seq] = start.key;
    q = q.where((eb) => eb(eb.refTuple('deliveries.created_at', 'deliveries.seq'), start.kind === 'before' ? '>' : '<', eb.tuple(createdAt, seq)));
  }
  const order = start.kind === 'before' ? 'asc' : 'desc';
  return q.orderBy('deliveries.created_at', order).orderBy('deliveries.seq', order).limit(window.limit);
}

/** Runs listDeliveriesQuery. */
export async function listDeliveries(db: Db, projectId: string, f: DeliveryLogFilter, window: KeysetWindow<DeliveryKey>): Promise<DeliveryLogRow[]> {
  return listDeliveriesQuery(db, projectId, f, window).execute();
}

/** The project's delivery with this id. */
export async function findDelivery(db: Db, projectId: string, id: string): Promise<DeliveryLogRow | undefined> {
  return deliveriesOfProject(db, projectId).where('deliveries.id', '=', id).executeTakeFirst();
}

/** The body a delivery sends (its event's, rendered at fan-out), if still stored. */
export async function findDeliveryBody(db: Db, eventId: string): Promise<string | null> {
  const row = await db.selectFrom('event_bodies').select('body').where('event_id', '=', eventId).executeTakeFirst();
  return row?.body ?? null;
}

/** The attempts of the project's delivery, first to last. */
export async function listAttempts(db: Db, projectId: string, deliveryId: string): Promise<DeliveryAttemptRow[]> {
  return db
    .selectFrom('delivery_attempts')
    .innerJoin('deliveries', 'deliveries.id', 'delivery_attempts.delivery_id')
    .selectAll('delivery_attempts')
    .where('deliveries.project_id', '=', projectId)
    .where('delivery_attempts.delivery_id', '=', deliveryId)
    .orderBy('delivery_attempts.attempt')
    .orderBy('delivery_attempts.seq')
    .execute();
}

/** What a re-queued delivery is given: due now, with a deadline counted from now. */
export interface Requeue {
  now: number;
  deadlineAt: number;
}

/** Which finished deliveries a bulk redelivery takes; created_at bounds in epoch ms, inclusive. */
export interface RequeueFilter {
  status: 'delivered' | 'failed';
  webhookId?: string | undefined;
  sinceMs: number;
  untilMs?: number | undefined;
}

/**
 * Puts finished deliveries back in the queue. Attempt count, event id (the idempotency key) and
 * the last attempt's outcome are kept, so numbering continues and the log still shows why it
 * failed; only deliveries whose subscription still exists are taken (the worker claims nothing
 * for a deleted one). The status condition makes it safe against a worker finishing them
 * meanwhile: a pending delivery is never touched.
 */
function requeue(db: Db, projectId: string, r: Requeue) {
  return db
    .updateTable('deliveries')
    .set({ status: 'pending', next_attempt_at: r.now, deadline_at: r.deadlineAt, delivered_at: null, failed_at: null, locked_by: null, locked_until: null })
    .where('project_id', '=', projectId)
    .where('webhook_id', 'in', db.selectFrom('webhooks').select('id').where('project_id', '=', projectId));
}

/** Re-queues the project's delivery if it is delivered or failed; returns whether it did. */
export async function requeueDelivery(db: Db, projectId: string, id: string, r: Requeue): Promise<boolean> {
  const result = await requeue(db, projectId, r)
    .where('id', '=', id)
    .where('status', 'in', ['delivered', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Re-queues every matching delivery of the project in one statement; returns how many. */
export async function requeueDeliveries(db: Db, projectId: string, f: RequeueFilter, r: Requeue): Promise<number> {
  let q = requeue(db, projectId, r).where('status', '=', f.status).where('created_at', '>=', f.sinceMs);
  if (f.untilMs !== undefined) q = q.where('created_at', '<=', f.untilMs);
  if (f.webhookId !== undefined) q = q.where('webhook_id', '=', f.webhookId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
