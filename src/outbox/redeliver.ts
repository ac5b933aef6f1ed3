import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { findWebhook } from '../webhooks/store.ts';
import { type DeliveryLogRow, findDelivery, type Requeue, type RequeueFilter, requeueDeliveries, requeueDelivery } from './log-store.ts';

type RedeliverDeps = Pick<Deps, 'database' | 'clock' | 'config' | 'outboxBell'>;

/**
 * A redelivery is due now and gets a whole new deadline (WEBHOOK_DEADLINE_HOURS from now), so it
 * is retried on the usual schedule rather than failing at its first error.
 */
function requeueNow(deps: RedeliverDeps): Requeue {
  const now = deps.clock.now();
  return { now, deadlineAt: now + deps.config.webhooks.deadlineMs };
}

/**
 * Sends a delivered or failed delivery again: same body and event id, hence the same
 * `X-Idempotency-Key` (§8.6), attempt numbers continuing. A pending delivery is left as it is.
 * Returns the delivery as it now stands and whether it was queued again; null when the project
 * has no such delivery. A delivery whose webhook was deleted cannot be sent (409).
 */
export async function redeliverDelivery(deps: RedeliverDeps, projectId: string, id: string): Promise<{ row: DeliveryLogRow; requeued: boolean } | null> {
  const { db } = deps.database;
  const requeued = await requeueDelivery(db, projectId, id, requeueNow(deps));
  const row = await findDelivery(db, projectId, id);
  if (!row) return null;
  if (!requeued && row.status !== 'pending') throw errors.conflict(`The webhook of delivery ${id} was deleted; it cannot be redelivered.`);
  if (requeued) deps.outboxBell.ring();
  return { row, requeued };
}

/**
 * Sends again every delivered or failed delivery of the project in a time range (optionally of one
 * webhook, which must be the project's), in one statement. Returns how many were queued.
 */
export async function redeliverRange(deps: RedeliverDeps, projectId: string, range: RequeueFilter): Promise<number> {
  const { db } = deps.database;
  if (range.untilMs !== undefined && range.untilMs < range.sinceMs) {
    throw errors.invalidParameter('until', "Parameter 'until' must not be before 'since'.");
  }
  if (range.webhookId !== undefined && !(await findWebhook(db, projectId, range.webhookId))) throw errors.notFound('webhook', range.webhookId);
  const count = await requeueDeliveries(db, projectId, range, requeueNow(deps));
  if (count > 0) deps.outboxBell.ring();
  return count;
}
