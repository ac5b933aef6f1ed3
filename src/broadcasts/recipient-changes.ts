import type { BroadcastRecipientRow, BroadcastRecipientStatus } from '../db/schema.ts';

/**
 * What can happen to a recipient once it is on a broadcast (kapso-broadcasts.md §2.3, §4, §8.3),
 * and what each change does to its row and to the broadcast's counters. Pure: the store applies
 * the plan in one transaction, so the counters always equal what the rows say (§4):
 * total = pending + sent + failed; delivered/read/responded count their timestamps.
 */
export type RecipientChange =
  | { kind: 'sent'; at: number; wamid: string }
  | { kind: 'failed'; at: number; errorMessage: string; errorDetails: Record<string, string> | null }
  | { kind: 'delivered'; at: number }
  | { kind: 'read'; at: number }
  | { kind: 'responded'; at: number }
  /** Not sent this time (Meta's 130429, a pair limit…): due again at `nextAttemptAt`, still pending (§8.3.2). */
  | { kind: 'retry'; nextAttemptAt: number }
  /** The answer to a send was lost: it may have reached Meta, so the worker must not resend it blindly. */
  | { kind: 'outcome_unknown'; at: number };

export type CounterName = 'pending_count' | 'sent_count' | 'failed_count' | 'delivered_count' | 'read_count' | 'responded_count';
export type CounterDeltas = Partial<Record<CounterName, number>>;

/** Every row column a change may set: the only names a compare-and-set writes (recipient-compare-and-set.ts). */
export const RECIPIENT_COLUMNS = [
  'status', 'wamid', 'sent_at', 'delivered_at', 'read_at', 'failed_at', 'responded_at', 'error_message',
  'error_details', 'next_attempt_at', 'locked_by', 'locked_until', 'outcome_unknown_at',
] as const;

/** The row columns a change sets. */
export type RecipientColumns = Partial<Pick<BroadcastRecipientRow, Exclude<(typeof RECIPIENT_COLUMNS)[number], 'error_details'>> & { error_details: string | null }>;

export interface RecipientPlan {
  set: RecipientColumns;
  deltas: CounterDeltas;
}

type Current = Pick<BroadcastRecipientRow, 'status' | 'sent_at' | 'delivered_at' | 'read_at' | 'responded_at'>;

const RELEASED = { locked_by: null, locked_until: null } as const;

/** The plan for `change` on a recipient as it is now, or null when it changes nothing (a late or repeated webhook). */
export function planRecipientChange(current: Current, change: RecipientChange): RecipientPlan | null {
  const leave = (status: BroadcastRecipientStatus): CounterDeltas => ({ [countOf(status)]: -1 });
  switch (change.kind) {
    case 'sent':
      if (current.status !== 'pending') return null;
      return { set: { ...RELEASED, status: 'sent', wamid: change.wamid, sent_at: change.at, outcome_unknown_at: null }, deltas: { ...leave('pending'), sent_count: 1 } };
    case 'failed':
      // A recipient Meta accepted and then failed keeps sent_at and counts as failed only [R-LR].
      if (current.status === 'failed') return null;
      return {
        set: { ...RELEASED, status: 'failed', failed_at: change.at, error_message: change.errorMessage, error_details: change.errorDetails === null ? null : JSON.stringify(change.errorDetails) },
        deltas: { ...leave(current.status), failed_count: 1 },
      };
    case 'delivered':
      if (current.sent_at === null || current.delivered_at !== null) return null;
      return { set: { delivered_at: change.at }, deltas: { delivered_count: 1 } };
    case 'read': {
      // Meta may report read without delivered; read implies delivered, keeping read ≤ delivered (§4).
      if (current.sent_at === null || current.read_at !== null) return null;
      if (current.delivered_at !== null) return { set: { read_at: change.at }, deltas: { read_count: 1 } };
      return { set: { read_at: change.at, delivered_at: change.at }, deltas: { read_count: 1, delivered_count: 1 } };
    }
    case 'responded':
      if (current.sent_at === null || current.responded_at !== null) return null;
      return { set: { responded_at: change.at }, deltas: { responded_count: 1 } };
    case 'retry':
      if (current.status !== 'pending') return null;
      return { set: { ...RELEASED, next_attempt_at: change.nextAttemptAt }, deltas: {} };
    case 'outcome_unknown':
      if (current.status !== 'pending') return null;
      return { set: { ...RELEASED, outcome_unknown_at: change.at }, deltas: {} };
  }
}

function countOf(status: BroadcastRecipientStatus): CounterName {
  return status === 'pending' ? 'pending_count' : status === 'sent' ? 'sent_count' : 'failed_count';
}

/** `round(100 × responded / sent, 1)`, 0 before anything was sent (§4; fits every Kapso example). */
export function responseRate(respondedCount: number, sentCount: number): number {
  return sentCount === 0 ? 0 : Math.round((1000 * respondedCount) / sentCount) / 10;
}
