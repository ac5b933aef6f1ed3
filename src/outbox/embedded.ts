import type { Deps } from '../deps.ts';
import { OutboxWorker } from './worker.ts';

/**
 * Whether `serve` runs the delivery worker itself (design.md "Processes"): on the embedded default
 * it does; on PostgreSQL `switchboard worker` processes do, unless EMBEDDED_WORKER says otherwise.
 */
export function servesEmbeddedWorker(deps: Pick<Deps, 'config' | 'database'>): boolean {
  const setting = deps.config.webhooks.embeddedWorker;
  return setting === 'auto' ? deps.database.dialect === 'sqlite' : setting === 'true';
}

/** Starts a delivery worker in this process, woken by this process's commits. */
export function startWorker(deps: Deps): OutboxWorker {
  const worker = new OutboxWorker(deps);
  deps.outboxBell.listen(() => worker.wake());
  worker.start();
  return worker;
}
