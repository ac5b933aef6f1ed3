import { type PeriodicJob, startPeriodicJob } from '../db/periodic-job.ts';
import type { Deps } from '../deps.ts';
import { deleteIdempotencyKeysBefore } from './idempotency-store.ts';

type PurgeDeps = Pick<Deps, 'database' | 'config' | 'log' | 'clock'>;

const BATCH = 1_000;

/**
 * Forgets Idempotency-Keys older than their retention (IDEMPOTENCY_KEY_RETENTION_HOURS) as of
 * `now`, in batches of `batch`; returns how many. A claim of an expired key already ignores it
 * (idempotency.ts): this only keeps the table from growing forever. Safe from several processes.
 */
export async function purgeExpiredIdempotencyKeys(deps: Pick<PurgeDeps, 'database' | 'config'>, now: number, batch = BATCH): Promise<number> {
  const before = now - deps.config.idempotency.retentionMs;
  let purged = 0;
  for (;;) {
    const deleted = await deleteIdempotencyKeysBefore(deps.database.db, before, batch);
    purged += deleted;
    if (deleted < batch) return purged;
  }
}

/** Runs purgeExpiredIdempotencyKeys now and then every `intervalMs`; stop() waits for a run in progress. */
export function startIdempotencyPurge(deps: PurgeDeps, intervalMs: number): PeriodicJob {
  return startPeriodicJob(deps.log, 'idempotency key purge', intervalMs, async () => {
    const purged = await purgeExpiredIdempotencyKeys(deps, deps.clock.now());
    if (purged > 0) deps.log.info({ purged }, 'expired idempotency keys purged');
  });
}
