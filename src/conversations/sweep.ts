import { type PeriodicJob, startPeriodicJob } from '../db/periodic-job.ts';
import type { Deps } from '../deps.ts';
import { appendEvent } from '../events/append-event.ts';
import { endConversationsInactiveSince } from './store.ts';

type SweepDeps = Pick<Deps, 'database' | 'config' | 'log' | 'clock'>;

/** Conversations ended per statement: keeps each transaction short when many go quiet at once. */
const BATCH = 500;

/**
 * Ends every active conversation with no message either way for `config.conversations.inactivityMs`
 * (24 h by default, kapso-api.md §7.4) as of `now`, and returns the ids this call ended. Safe to
 * run from several processes at once: each conversation is ended by exactly one of them, and its
 * `whatsapp.conversation.ended` event is written in the same transaction (exactly one event).
 */
export async function endInactiveConversations(deps: Pick<SweepDeps, 'database' | 'config'>, now: number): Promise<string[]> {
  const cutoffMs = now - deps.config.conversations.inactivityMs;
  const ended: string[] = [];
  for (;;) {
    const batch = await deps.database.db.transaction().execute(async (trx) => {
      const ids = await endConversationsInactiveSince(trx, cutoffMs, now, BATCH);
      for (const row of ids) {
        await appendEvent(trx, { type: 'whatsapp.conversation.ended', phoneNumberId: row.phoneNumberId, conversationId: row.id }, now);
      }
      return ids.map((row) => row.id);
    });
    ended.push(...batch);
    if (batch.length < BATCH) return ended;
  }
}

export type LifecycleSweep = PeriodicJob;

/**
 * Runs endInactiveConversations at once and then every `intervalMs` (never two at a time in one
 * process), reading the time from the injected clock. A failed sweep is logged and the next one
 * runs on schedule; a store outage is logged when it starts and ends, not at every sweep.
 */
export function startLifecycleSweep(deps: SweepDeps, intervalMs: number): LifecycleSweep {
  return startPeriodicJob(deps.log, 'conversation lifecycle sweep', intervalMs, async () => {
    const ended = await endInactiveConversations(deps, deps.clock.now());
    if (ended.length > 0) deps.log.info({ ended: ended.length }, 'ended inactive conversations');
  });
}
