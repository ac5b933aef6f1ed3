import type { Deps } from '../deps.ts';
import type { BroadcastRow, BroadcastStatus } from '../db/schema.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { type BroadcastOperation, planTransition } from './lifecycle.ts';
import { announceBroadcasts } from './broadcast-event.ts';
import { clearRecipients } from './recipient-store.ts';
import { findBroadcast, transitionBroadcast } from './store.ts';

type StatusDeps = Pick<Deps, 'database' | 'clock' | 'broadcastBell' | 'outboxBell'>;

/** The columns each client-driven step sets besides the status. */
function columnsFor(operation: BroadcastOperation, now: number, scheduledAt: number | undefined) {
  switch (operation) {
    case 'send':
      // The worker picks up `pending` recipients of `sending` broadcasts (docs/broadcasts.md).
      return { started_at: now, scheduled_at: null };
    case 'schedule':
      return { scheduled_at: scheduledAt ?? null };
    case 'cancel':
    case 'unschedule':
      return { scheduled_at: null };
    case 'stop':
      return { stopped_at: now };
    default:
      return {};
  }
}

/**
 * Runs one lifecycle step a client asked for (send, schedule, cancel, PATCH stop/draft, clear):
 * the broadcast is the project's (else 404 "Broadcast not found"), the step is allowed from its
 * status (else 422 saying why, §3), and the update is a compare-and-set on that status, so two
 * concurrent steps cannot both win; the loser is answered as if it came second.
 */
export async function changeBroadcastStatus(deps: StatusDeps, projectId: string, id: string, operation: BroadcastOperation, scheduledAt?: number): Promise<BroadcastRow> {
  const { db } = deps.database;
  for (let race = 0; ; race++) {
    const current = await findBroadcast(db, projectId, id);
    if (!current) throw kapsoErrors.notFound('Broadcast');
    const plan = planTransition(current.status, operation, current.total_recipients);
    if (!plan.ok) throw kapsoErrors.unprocessable(plan.error, plan.message);
    const now = deps.clock.now();
    const moved =
      operation === 'clear_recipients'
        ? await clearRecipients(db, projectId, id, now)
        : await db.transaction().execute(async (trx) => {
            const row = await transitionBroadcast(trx, projectId, id, [current.status], { status: plan.to as BroadcastStatus, updated_at: now, ...columnsFor(operation, now, scheduledAt) }, plan.needsRecipients);
            if (row && (await announceBroadcasts(trx, [row], now)) > 0) deps.outboxBell.ring();
            return row;
          });
    if (moved) {
      if (moved.status === 'sending') deps.broadcastBell.ring();
      return moved;
    }
    // Lost a race to a concurrent step: read again and answer for the state that won.
    if (race >= 3) throw kapsoErrors.unprocessable('Invalid status transition', `The broadcast kept changing; it is ${current.status}.`);
  }
}
