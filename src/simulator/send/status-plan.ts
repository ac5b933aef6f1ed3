import type { StatusDelays } from '../options.ts';
import type { RecipientBehaviour } from '../state.ts';

/** One status webhook to emit for an accepted send. */
export interface PlannedStatus {
  status: 'sent' | 'delivered' | 'read' | 'played' | 'failed';
  /** Milliseconds after the send. */
  atMs: number;
  /** Carries `pricing` (and `conversation` on ≤ v23): `sent` and the first of delivered/read. */
  billed: boolean;
}

/** What decides the statuses of one accepted message. */
export interface StatusPlanInput {
  isReaction: boolean;
  isVoice: boolean;
  delays: StatusDelays;
  /** Whether the customer reads the message (false: it stops at `delivered`). */
  reads: boolean;
  /** Fails the message: a scripted recipient failure, or a rule such as the 24-hour window. */
  failure?: { after: RecipientBehaviour['failAfter'] };
  collapseDeliveredIntoRead: boolean;
}

/**
 * The status sequence of one outbound message (meta-cloud-api.md §1.7, §7.14): `sent` →
 * `delivered` → `read` (→ `played` for voice notes); reactions get only `sent`; a failure
 * replaces the remaining steps with `failed` at the time of the step it replaces (so a
 * failure after `delivered` is the multi-device case); a customer who never reads stops at
 * `delivered`. Optionally `delivered` is left out when `read` falls at the same moment.
 */
export function planStatuses(input: StatusPlanInput): PlannedStatus[] {
  const { delays, failure } = input;
  const failed = (atMs: number): PlannedStatus => ({ status: 'failed', atMs, billed: false });
  if (failure?.after === 'accepted') return [failed(delays.sent)];
  const plan: PlannedStatus[] = [{ status: 'sent', atMs: delays.sent, billed: true }];
  // Each step is at least as late as the one before it, whatever the configured delays.
  const deliveredAt = Math.max(delays.sent, delays.delivered);
  const readAt = Math.max(deliveredAt, delays.read);
  if (failure?.after === 'sent') return [...plan, failed(deliveredAt)];
  if (input.isReaction) return plan;
  const willRead = !failure && input.reads;
  const skipDelivered = willRead && input.collapseDeliveredIntoRead && readAt === deliveredAt;
  if (!skipDelivered) plan.push({ status: 'delivered', atMs: deliveredAt, billed: true });
  if (failure) return [...plan, failed(readAt)];
  if (!willRead) return plan;
  plan.push({ status: 'read', atMs: readAt, billed: skipDelivered });
  if (input.isVoice) plan.push({ status: 'played', atMs: readAt, billed: false });
  return plan;
}
