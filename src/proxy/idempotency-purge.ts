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
export function startIdempotencyPurge(deps: PurgeDeps, intervalMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = purgeExpiredIdempotencyKeys(deps, deps.clock.now())
        .then((purged) => {
          if (purged > 0) deps.log.info({ purged }, 'expired idempotency keys purged');
        })
        .catch((err: unknown) => deps.log.error({ err }, 'idempotency key purge failed'))
        .then(() => {
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
