import { type PeriodicJob, startPeriodicJob } from '../db/periodic-job.ts';
import type { Deps } from '../deps.ts';
import { deleteIdleSignInKeys, deleteSignInAttemptsBefore } from './sign-in-attempts-store.ts';
import { SIGN_IN_LIMITS } from './sign-in-limiter.ts';

const BATCH = 1_000;

/**
 * Forgets sign-in attempts and key rows idle for two windows as of `now`, in batches; returns how
 * many rows went. The limits already ignore attempts outside the window (sign-in-limiter.ts): this
 * only keeps the tables small, however many made-up emails are tried. Two windows, not one, keep
 * the purge clear of the rows a successful sign-in deletes.
 */
export async function purgeStaleSignInAttempts(deps: Pick<Deps, 'database'>, now: number, batch = BATCH): Promise<number> {
  const before = now - 2 * SIGN_IN_LIMITS.windowMs;
  let purged = 0;
  for (const purge of [deleteSignInAttemptsBefore, deleteIdleSignInKeys]) {
    for (;;) {
      const deleted = await purge(deps.database.db, before, batch);
      purged += deleted;
      if (deleted < batch) break;
    }
  }
  return purged;
}

/** Runs purgeStaleSignInAttempts now and every `intervalMs`; safe in every process at once. */
export function startSignInAttemptPurge(deps: Pick<Deps, 'database' | 'log' | 'clock'>, intervalMs: number): PeriodicJob {
  return startPeriodicJob(deps.log, 'sign-in attempt purge', intervalMs, async () => {
    const purged = await purgeStaleSignInAttempts(deps, deps.clock.now());
    if (purged > 0) deps.log.info({ purged }, 'stale sign-in attempts purged');
  });
}
