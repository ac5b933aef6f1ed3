import type { Deps } from '../deps.ts';
import { MediaWorker } from './worker.ts';

/**
 * Starts a media worker in this process, woken by this process's commits that queue media. It
 * runs wherever the delivery worker runs (outbox/embedded.ts): inside `serve` unless
 * EMBEDDED_WORKER=false, and in every `switchboard worker` process.
 */
export function startMediaWorker(deps: Deps): MediaWorker {
  const worker = new MediaWorker(deps, { wakeOn: deps.mediaBell });
  worker.start();
  return worker;
}
