import type { Logger } from 'pino';
import { OutageBackoff } from './outage.ts';

/** A job started by startPeriodicJob. */
export interface PeriodicJob {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Kept apart from the leased-job runner (jobs/runner.ts) on purpose: the purge and the sweep claim
 * no rows and hold no leases. Each run is idempotent batched statements over whatever is due, safe
 * in every process at once, so there is nothing to lease, renew, hand to another process or drain;
 * dressed as a queue it would need a fake claim and a fake job. It shares what fits, OutageBackoff.
 *
 * Runs `run` at once and then every `intervalMs`, never two at a time in one process, on a timer
 * that does not keep the process alive. A failed run does not stop the schedule: a store outage
 * is logged once when it starts and once when it ends (OutageBackoff), any other failure at error.
 */
export function startPeriodicJob(log: Logger, what: string, intervalMs: number, run: () => Promise<void>): PeriodicJob {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const outage = new OutageBackoff(log, what);
  const once = async () => {
    try {
      await run();
      outage.succeeded();
    } catch (err) {
      outage.failed(err);
    }
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = once().then(() => {
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
