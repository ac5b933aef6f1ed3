import type { Deps } from '../deps.ts';
import { OutboxWorker } from './worker.ts';

/**
 * Whether `serve` runs the delivery worker itself (design.md "Processes"): by default it does, on
 * both dialects, so one command is a working gateway (a PostgreSQL `serve` without one left every
 * delivery waiting for a worker nobody started). `switchboard worker` processes add more;
 * EMBEDDED_WORKER=false makes an API-only process.
 */
export function servesEmbeddedWorker(deps: Pick<Deps, 'config'>): boolean {
  return deps.config.webhooks.embeddedWorker !== 'false';
}

/** Starts a delivery worker in this process, woken by this process's commits. */
export function startWorker(deps: Deps): OutboxWorker {
  const worker = new OutboxWorker(deps, { wakeOn: deps.outboxBell });
  worker.start();
  return worker;
}
