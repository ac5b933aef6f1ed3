import { OutageBackoff } from '../db/outage.ts';
import type { Deps } from '../deps.ts';
import { appendEvent } from '../outbox/events.ts';
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

export interface LifecycleSweep {
  /** Stops the timer and waits for a sweep in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs endInactiveConversations at once and then every `intervalMs` (never two at a time in one
 * process), reading the time from the injected clock. A failed sweep is logged and the next one
 * runs on schedule. The timer does not keep the process alive.
 */
export function startLifecycleSweep(deps: SweepDeps, intervalMs: number): LifecycleSweep {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  // A store outage is logged when it starts and ends, not at every sweep; the schedule stays.
  const outage = new OutageBackoff(deps.log, 'conversation lifecycle sweep');
  const sweep = async () => {
    try {
      const ended = await endInactiveConversations(deps, deps.clock.now());
      outage.succeeded();
      if (ended.length > 0) deps.log.info({ ended: ended.length }, 'ended inactive conversations');
    } catch (err) {
      outage.failed(err);
    }
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = sweep().then(() => {
        if (!stopped) schedule(intervalMs);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
