import { runExclusively } from '../db/exclusive-run.ts';
import { type PeriodicJob, startPeriodicJob } from '../db/periodic-job.ts';
import type { Deps } from '../deps.ts';
import { type PruneReport, pruneHistory } from './prune.ts';

type ScheduledDeps = Pick<Deps, 'database' | 'blobs' | 'log' | 'clock'>;

const DAY_MS = 86_400_000;

/** Once an hour: retention is counted in days, so an hour late is nothing, and each run is short. */
export const RETENTION_INTERVAL_MS = 3_600_000;

/**
 * One scheduled run of RETENTION_DAYS: prunes every project's messages (with their statuses,
 * media and emptied conversations) older than `retentionDays` as of the clock, unless another
 * process of the database is pruning right now (exclusive-run.ts). Returns what it removed, or
 * null when another process had the run.
 */
export async function runRetention(deps: ScheduledDeps, retentionDays: number): Promise<PruneReport | null> {
  let report: PruneReport | null = null;
  const now = deps.clock.now();
  await runExclusively(deps.database.db, 'retention:prune', async () => {
    report = await pruneHistory(deps, { beforeMs: now - retentionDays * DAY_MS, mediaOnly: false, dryRun: false, now });
  });
  return report;
}

/** Runs runRetention now and then every `intervalMs`, logging what each run removed. */
export function startRetentionPrune(deps: ScheduledDeps, retentionDays: number, intervalMs = RETENTION_INTERVAL_MS): PeriodicJob {
  return startPeriodicJob(deps.log, 'retention prune', intervalMs, async () => {
    const report = await runRetention(deps, retentionDays);
    if (report && (report.messages > 0 || report.media > 0 || report.conversations > 0)) {
      deps.log.info({ retentionDays, ...report }, 'retention: pruned old history');
    }
  });
}
