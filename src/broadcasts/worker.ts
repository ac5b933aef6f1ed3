import type { Deps } from '../deps.ts';
import { JobRunner } from '../jobs/runner.ts';
import type { WakeSignal } from '../jobs/wake-signal.ts';
import { newWorkerId } from '../jobs/worker-id.ts';
import { BroadcastSendQueue } from './send-queue.ts';
import type { RecipientSend, SendResult } from './send-recipient.ts';

export interface BroadcastWorkerOptions {
  /** Sends in flight at once (default BROADCAST_CONCURRENCY). */
  concurrency?: number;
  /** How long an idle worker waits before looking again (a wake() cuts it short). */
  idlePollMs?: number;
  /** How long a claim holds a recipient; renewed while its send runs. */
  leaseMs?: number;
  /** Rung by this process's commits that start a broadcast. */
  wakeOn?: WakeSignal;
}

/**
 * The broadcast worker: the job runner (jobs/runner.ts) over the broadcast send queue. `serve`
 * embeds one; any number of `switchboard worker` processes can run against one PostgreSQL
 * database, sharing each number's rate through the send governor's shared budget.
 */
export class BroadcastWorker extends JobRunner<RecipientSend, SendResult> {
  constructor(deps: Deps, opts: BroadcastWorkerOptions = {}) {
    const workerId = newWorkerId();
    const log = deps.log.child({ broadcastWorker: workerId });
    const concurrency = opts.concurrency ?? deps.config.broadcasts.concurrency;
    super(new BroadcastSendQueue(deps, log, workerId), { workerId, log, clock: deps.clock }, {
      concurrency,
      // Outcomes are written in group commits: a claim may run while they are being written.
      inFlightLimit: 2 * concurrency,
      // A claim is a write: made for half the slots at a time, not one per finished send.
      claimWhenRunningAtMost: Math.floor(concurrency / 2),
      pollMs: opts.idlePollMs ?? 500,
      leaseMs: opts.leaseMs ?? deps.config.broadcasts.leaseMs,
      ...(opts.wakeOn ? { wakeOn: opts.wakeOn } : {}),
    });
  }
}

/** Starts a broadcast worker in this process, woken by this process's broadcast starts. */
export function startBroadcastWorker(deps: Deps): BroadcastWorker {
  const worker = new BroadcastWorker(deps, { wakeOn: deps.broadcastBell });
  worker.start();
  return worker;
}
