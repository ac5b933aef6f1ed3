import type { LeaseRequest } from '../db/lease.ts';
import type { WakeSignal } from './wake-signal.ts';

export type { LeaseRequest };

/** What a queue's prepare() did before a claim. */
export interface Prepared {
  /** Items it took (the outbox: events fanned out); 0 when there was nothing to prepare. */
  took: number;
  /** Whether its batch was full: more is waiting, so the runner does not pause to gather. */
  full: boolean;
  /** Whether it made jobs due now: the runner claims in this cycle rather than at its next poll. */
  madeDue: boolean;
}

/**
 * One kind of leased work plugged into a JobRunner: the queue owns its table, its claim query
 * (fairness and ordering rules live there, in its store module), its handler and how an outcome
 * is recorded (done, due again after the backoff of jobs/backoff.ts, or failed for good); the
 * runner owns when to claim, how many run at once, lease renewal, stop and wake-ups.
 */
export interface JobQueue<J, O> {
  /** Names the runner in logs: "outbox worker" logs an outage as "outbox worker cycle: …". */
  readonly name: string;
  /**
   * Work done before each claim (the outbox turns events into deliveries). Without it the runner
   * claims on every cycle.
   */
  prepare?(): Promise<Prepared>;
  /** Everything prepare() would do, until nothing is left (runOnce). */
  prepareAll?(): Promise<void>;
  /** Claims due jobs under a lease, at most `limit`. */
  claim(lease: LeaseRequest): Promise<J[]>;
  /** The claimed row's key, for lease renewal and logs. */
  keyOf(job: J): string;
  /** Does the job. `signal` aborts when a stop has waited long enough for it. */
  run(job: J, signal: AbortSignal): Promise<O>;
  /** The outcome of a handler that threw: a failed attempt, which record() schedules again. */
  crashed(job: J, err: unknown): O;
  /** Writes the outcome under this runner's lease (a lease lost meanwhile changes nothing). */
  record(job: J, outcome: O): Promise<void>;
  /**
   * Extends the leases of jobs still running. A queue whose lease outlasts any attempt (the
   * outbox: the request timeout plus a margin) has none.
   */
  renew?(keys: readonly string[], until: number): Promise<void>;
  /** The job's overall deadline from its start: its lease is not renewed past it (run() ends then). */
  deadlineMs?(job: J): number | undefined;
  /** Releases what the queue holds (connection pools), once the runner has drained. */
  close?(): Promise<void>;
}

export interface RunnerOptions {
  /** Handlers running at once. */
  concurrency: number;
  /** Jobs launched and not yet recorded (running, or their outcome being written); default `concurrency`. */
  inFlightLimit?: number;
  /**
   * Claims are made only while at most this many handlers run (default: whenever one slot is
   * free). The outbox claims for half its pool at a time: a claim per finished request would cost
   * a claim transaction per delivery.
   */
  claimWhenRunningAtMost?: number;
  /** How long an idle runner waits before claiming again, for work other processes commit. */
  pollMs: number;
  /** After a prepare() that took a few items and launched nothing, how long to let more gather. */
  gatherMs?: number;
  /**
   * After a prepare() that took at least `took` items (but not a full batch), the longer gather
   * `ms`: items are pouring in, and each prepare is a transaction (on SQLite, on the one writer)
   * whose fixed cost a larger batch shares. A trickle keeps the short `gatherMs`.
   */
  busyGather?: { took: number; ms: number };
  /** How long a claim holds a job; renewed every third of it while its handler runs (if the queue can). */
  leaseMs: number;
  /** Rung by this process's commits that make work: ends an idle wait at once. */
  wakeOn?: WakeSignal;
}
