import type { Transaction } from 'kysely';
import { rawQuery } from '../db/executor.ts';
import type { BroadcastRecipientRow, DB } from '../db/schema.ts';
import type { RecipientPlan } from './recipient-changes.ts';

/** One recipient's compare-and-set: the row as it was read, and the columns its plan sets. */
export interface PlannedChange {
  before: BroadcastRecipientRow;
  set: RecipientPlan['set'];
}

/**
 * PostgreSQL: many recipients' compare-and-sets in one statement (each a round trip otherwise,
 * and a broadcast's statuses bring three per recipient). Each row changes only if the columns a
 * plan looks at are still as read (as recipient-compare-and-set.ts does for one); every column a plan
 * may set is written, from the row as read with the plan's columns over it. Returns the rows it
 * changed: one missing lost a race with a concurrent transaction.
 */
export async function compareAndSetMany(trx: Transaction<DB>, planned: readonly PlannedChange[], now: number): Promise<BroadcastRecipientRow[]> {
  if (planned.length === 0) return [];
  const before = planned.map((p) => p.before);
  const after = planned.map((p) => ({ ...p.before, ...p.set }));
  const setsErrorDetails = planned.map((p) => 'error_details' in p.set);
  return updateMany(trx, [
    before.map((r) => r.id), before.map((r) => r.status),
    before.map((r) => r.sent_at), before.map((r) => r.delivered_at), before.map((r) => r.read_at), before.map((r) => r.responded_at),
    after.map((r) => r.status), after.map((r) => r.wamid),
    after.map((r) => r.sent_at), after.map((r) => r.delivered_at), after.map((r) => r.read_at), after.map((r) => r.failed_at), after.map((r) => r.responded_at),
    after.map((r) => r.locked_by), after.map((r) => r.locked_until), after.map((r) => r.next_attempt_at), after.map((r) => r.outcome_unknown_at),
    after.map((r) => r.error_message),
    setsErrorDetails, planned.map((p, i) => (setsErrorDetails[i] ? ((p.set as { error_details?: string | null }).error_details ?? null) : null)),
    planned.map(() => now),
  ]);
}

const updateMany = rawQuery<BroadcastRecipientRow>(
  `update broadcast_recipients r set
     status = u.status, wamid = u.wamid, sent_at = u.sent_at, delivered_at = u.delivered_at,
     read_at = u.read_at, failed_at = u.failed_at, responded_at = u.responded_at,
     locked_by = u.locked_by, locked_until = u.locked_until, next_attempt_at = u.next_attempt_at,
     outcome_unknown_at = u.outcome_unknown_at, error_message = u.error_message,
     error_details = case when u.sets_error_details then u.error_details::jsonb else r.error_details end,
     updated_at = u.now
   from unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
               ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
               ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::boolean[], ?::text[], ?::bigint[])
     as u(id, was_status, was_sent_at, was_delivered_at, was_read_at, was_responded_at,
          status, wamid, sent_at, delivered_at, read_at, failed_at, responded_at,
          locked_by, locked_until, next_attempt_at, outcome_unknown_at, error_message, sets_error_details, error_details, now)
   where r.id = u.id and r.status = u.was_status
     and r.sent_at is not distinct from u.was_sent_at and r.delivered_at is not distinct from u.was_delivered_at
     and r.read_at is not distinct from u.was_read_at and r.responded_at is not distinct from u.was_responded_at
   returning r.*`,
);
