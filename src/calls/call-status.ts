/**
 * The states of a call in the log (kapso-api.md §6.7.2 lists initiated, ringing, answered,
 * completed, failed) and the one rule that orders them. Pure.
 */
export const CALL_STATUSES = ['initiated', 'ringing', 'answered', 'completed', 'failed'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/** How far along a call is; completed and failed are both final. */
const RANK: Readonly<Record<CallStatus, number>> = { initiated: 0, ringing: 1, answered: 2, completed: 3, failed: 3 };

/**
 * The statuses `next` may replace: only those behind it. Webhooks arrive late, twice and out of
 * order (meta-cloud-api.md §1.3), so a `connect` after the `terminate`, or a repeated
 * `terminate`, changes nothing, and a final status is never overwritten.
 */
export function statusesBefore(next: CallStatus): CallStatus[] {
  return CALL_STATUSES.filter((s) => RANK[s] < RANK[next]);
}
