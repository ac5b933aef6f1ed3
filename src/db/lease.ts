/**
 * The lease every job table shares (deliveries, media): `locked_by` names the runner holding a
 * row, `locked_until` when its lease ends, and `next_attempt_at` moves to the end of the lease
 * too, so a leased row leaves its table's due range and a dead runner's row comes back into it
 * by itself when the lease runs out (graphile's stale-lock recovery, without a sweeper).
 */

/** What a claim asks for: up to `limit` due rows, leased to `workerId` until `now + leaseMs`. */
export interface LeaseRequest {
  workerId: string;
  now: number;
  leaseMs: number;
  limit: number;
}

/** The columns a claim sets on the rows it takes. */
export function leaseColumns(o: Omit<LeaseRequest, 'limit'>) {
  return { locked_by: o.workerId, locked_until: o.now + o.leaseMs, next_attempt_at: o.now + o.leaseMs };
}

/** The columns a renewal sets on rows whose jobs are still running. */
export function renewedLeaseColumns(until: number) {
  return { locked_until: until, next_attempt_at: until };
}
