import type { Deps } from '../deps.ts';
import { MediaWorker } from './worker.ts';

/**
 * Starts a media worker in this process, woken by this process's commits that queue media. It
 * runs wherever the delivery worker runs (outbox/embedded.ts): inside `serve` on the embedded
 * default, in `switchboard worker` processes on PostgreSQL.
 */
export function startMediaWorker(deps: Deps): MediaWorker {
  const worker = new MediaWorker(deps);
  deps.mediaBell.listen(() => worker.wake());
  worker.start();
  return worker;
}
