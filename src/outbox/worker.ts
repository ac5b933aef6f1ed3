import { JobRunner } from '../jobs/runner.ts';
import type { WakeSignal } from '../jobs/wake-signal.ts';
import { newWorkerId } from '../jobs/worker-id.ts';
import type { WebhookRequest } from './claim-requests.ts';
import { DeliveryQueue, type DeliveryQueueDeps } from './delivery-queue.ts';
import type { RequestOutcome } from './send-request.ts';

export type WorkerDeps = DeliveryQueueDeps;

/** Events taken by one fan-out from which the worker counts the inflow as sustained. */
export const BUSY_FAN_OUT = 20;
const BUSY_GATHER_MS = 50;

export interface OutboxWorkerOptions {
  /** Requests in flight at once. */
  concurrency?: number;
  /** How long an idle worker waits before looking again (a wake() cuts it short). */
  idlePollMs?: number;
  /** How often conversations gone quiet are looked for (`whatsapp.conversation.inactive`). */
  inactivityEveryMs?: number;
  /** How long to let events gather after a fan-out that found only a few. */
  gatherMs?: number;
  /** How long after a fan-out that found many (`BUSY_FAN_OUT`), but not a full batch. */
  busyGatherMs?: number;
  /** Rung by this process's commits that write outbox events. */
  wakeOn?: WakeSignal;
}

/**
 * The delivery worker: the job runner (jobs/runner.ts) over the delivery queue. Any number of
 * workers can run against one PostgreSQL database; a worker that dies leaves leases that expire
 * and are claimed again by the others.
 */
export class OutboxWorker extends JobRunner<WebhookRequest, RequestOutcome> {
  constructor(deps: WorkerDeps, opts: OutboxWorkerOptions = {}) {
    const workerId = newWorkerId();
    const log = deps.log.child({ worker: workerId });
    const concurrency = opts.concurrency ?? 32;
    super(new DeliveryQueue(deps, log, workerId, opts.inactivityEveryMs ?? 30_000), { workerId, log, clock: deps.clock }, {
      concurrency,
      // Answers waiting to be recorded hold no request slot (the recorder batches them), but
      // their number is bounded too.
      inFlightLimit: concurrency * 4,
      // Claims for half the pool at a time: one claim per finished request would cost a claim
      // transaction per delivery.
      claimWhenRunningAtMost: concurrency / 2,
      pollMs: opts.idlePollMs ?? 50,
      gatherMs: opts.gatherMs ?? 10,
      // Under a sustained inflow (2,000 events a second and more) on SQLite, a fan-out every
      // 10 ms took ~60 events per transaction, each waiting its turn at the one writer behind
      // ingest's, and fell behind; 50 ms lets each take hundreds. A trickle (the webhook latency
      // bench's 100/s) still goes out after 10 ms. On PostgreSQL a fan-out runs beside ingest on
      // a connection of its own, and the longer gather cost 5-12 % of ingest at 1 message per
      // payload in an A/B (BENCHMARKS.md, issue 23): there it stays at gatherMs.
      busyGather: { took: BUSY_FAN_OUT, ms: opts.busyGatherMs ?? busyGatherMsOf(deps, opts.gatherMs ?? 10) },
      // Longer than any attempt can take, so a live worker never loses a lease it is using: the
      // queue needs no renewal.
      leaseMs: deps.config.webhooks.timeoutMs + 5_000,
      ...(opts.wakeOn ? { wakeOn: opts.wakeOn } : {}),
    });
  }
}

/** The gather after a busy fan-out: longer only where commits queue for one writer. */
function busyGatherMsOf(deps: WorkerDeps, gatherMs: number): number {
  return deps.database.capabilities.concurrentCommitBatches === 1 ? Math.max(BUSY_GATHER_MS, gatherMs) : gatherMs;
}
