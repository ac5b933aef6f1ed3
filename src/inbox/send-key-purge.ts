import { type PeriodicJob, startPeriodicJob } from '../db/periodic-job.ts';
import type { Deps } from '../deps.ts';
import { INBOX_SEND_KEY_TTL_MS } from './send-once.ts';
import { deleteInboxSendsBefore } from './sends-store.ts';

const BATCH = 1_000;

/**
 * Forgets the inbox's Idempotency-Keys older than 24 h as of `now`, in batches; returns how many.
 * A claim already ignores an expired key (send-once.ts): this only keeps the table small.
 */
export async function purgeExpiredInboxSendKeys(deps: Pick<Deps, 'database'>, now: number, batch = BATCH): Promise<number> {
  let purged = 0;
  for (;;) {
    const deleted = await deleteInboxSendsBefore(deps.database.db, now - INBOX_SEND_KEY_TTL_MS, batch);
    purged += deleted;
    if (deleted < batch) return purged;
  }
}

/** Runs purgeExpiredInboxSendKeys now and every `intervalMs`; safe in every process at once. */
export function startInboxSendKeyPurge(deps: Pick<Deps, 'database' | 'log' | 'clock'>, intervalMs: number): PeriodicJob {
  return startPeriodicJob(deps.log, 'inbox send key purge', intervalMs, async () => {
    const purged = await purgeExpiredInboxSendKeys(deps, deps.clock.now());
    if (purged > 0) deps.log.info({ purged }, 'expired inbox send keys purged');
  });
}
