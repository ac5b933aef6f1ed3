import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { OutageBackoff } from '../db/outage.ts';
import { isStoreUnavailable } from '../db/unavailable.ts';
import { RunnerEmitter } from './events.ts';
import { IdleWait } from './idle-wait.ts';
import { InFlight, type Launched } from './in-flight.ts';
import type { JobQueue, Prepared, RunnerOptions } from './job-queue.ts';
import { LeaseRenewal } from './lease-renewal.ts';

/** How long a stop that aborted the handlers still running waits for them to end. */
const ABORT_GRACE_MS = 1_000;

/** A queue without prepare(): it claims on every cycle. */
const CLAIM_EVERY_CYCLE: Prepared = { took: 0, full: false, madeDue: true };

/** Who a runner is: the lease holder's name, its logger (already naming it) and the domain clock. */
export interface RunnerIdentity {
  workerId: string;
  log: Logger;
  clock: Clock;
}

/**
 * The leased-job runner (style.md rule 12, after graphile/worker): claims due jobs of one queue
 * under a lease, runs at most `concurrency` handlers at once, renews the leases of running jobs,
 * records each outcome, and waits when there is nothing to do, until a commit in this process
 * rings its WakeSignal or its poll interval passes (other processes' commits). Any number of
 * runners can share a PostgreSQL database: a runner that dies leaves leases that expire, and
 * another claims those jobs again. On a store outage it backs off (OutageBackoff). On stop it
 * claims nothing more and lets jobs in flight finish, up to a deadline, then aborts the rest.
 */
export class JobRunner<J, O> {
  readonly workerId: string;
  /** What happens, for tests and metrics: claimed, completed, failed, idle, woken, drained… */
  readonly events = new RunnerEmitter<J, O>();
  protected readonly log: Logger;
  private readonly clock: Clock;
  private readonly inFlight = new InFlight<J>();
  private readonly idle = new IdleWait();
  private readonly outage: OutageBackoff;
  private readonly renewal: LeaseRenewal | null;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | null = null;
  /** performance.now() from which a runner whose claims found nothing claims again (see cycle()). */
  private nextClaimAt = 0;

  constructor(
    private readonly queue: JobQueue<J, O>,
    identity: RunnerIdentity,
    private readonly opts: RunnerOptions,
  ) {
    this.workerId = identity.workerId;
    this.log = identity.log;
    this.clock = identity.clock;
    this.outage = new OutageBackoff(this.log, `${queue.name} cycle`);
    const renew = queue.renew?.bind(queue);
    this.renewal = renew
      ? new LeaseRenewal({
          renew,
          keys: () => this.inFlight.renewableKeys(),
          clock: this.clock,
          leaseMs: opts.leaseMs,
          log: this.log,
          onRenewed: (keys) => this.events.emit('renewed', { keys }),
        })
      : null;
  }

  /** Starts the loop (and lease renewal) in the background. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.opts.wakeOn?.subscribe(() => this.wake()) ?? null;
    this.renewal?.start();
    this.loop = this.run();
  }

  /** Ends an idle wait at once (or the next one): work was committed in this process. */
  wake(): void {
    this.idle.wake();
  }

  /** Stops claiming, waits for jobs in flight up to `drainMs`, aborts what is left, closes the queue. */
  async stop(drainMs = 10_000): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.idle.wake();
    await this.loop;
    await this.inFlight.settled(drainMs);
    this.renewal?.stop();
    const left = this.inFlight.size;
    if (left > 0) {
      // Aborted rather than left running: a connection pool cannot close under a transfer that
      // never ends (a link dripping bytes), and an aborted job is recorded as a failed attempt,
      // due again after its backoff; one whose outcome is never written waits for its lease.
      this.log.warn({ inFlight: left }, `${this.queue.name} stopping: aborting jobs still in flight; they are retried`);
      this.inFlight.abortAll(new Error(`the ${this.queue.name} is stopping`));
      await this.inFlight.settled(ABORT_GRACE_MS);
    }
    await this.queue.close?.();
    this.events.emit('drained', { left });
  }

  /**
   * Does everything due now and waits for it. For tests and one-shot runs (the injected clock
   * decides what is due). Returns the jobs launched.
   */
  async runOnce(): Promise<number> {
    await this.queue.prepareAll?.();
    let launched = 0;
    for (;;) {
      const n = await this.claimAndLaunch();
      if (n === 0) return launched;
      launched += n;
      await this.inFlight.settled();
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.cycle();
        this.outage.succeeded();
      } catch (error) {
        // The store down (or a bug): wait longer each time; a wake still cuts the wait short, as a
        // commit in this process means the store answers again.
        const waitMs = this.outage.failed(error);
        this.events.emit('cycleFailed', { error, waitMs });
        await this.idle.wait(waitMs);
      }
    }
  }

  /**
   * One look for work. A claim is a query (and on SQLite a write transaction): made when
   * prepare() made jobs due, while jobs are in flight, after a claim that found work, and
   * otherwise every pollMs, not after every commit that rang the bell.
   */
  private async cycle(): Promise<void> {
    const prepared = this.queue.prepare ? await this.queue.prepare() : CLAIM_EVERY_CYCLE;
    const now = performance.now();
    const claimNow = prepared.madeDue || this.inFlight.size > 0 || now >= this.nextClaimAt;
    const mayClaim = this.inFlight.running <= (this.opts.claimWhenRunningAtMost ?? this.opts.concurrency - 1);
    const launched = claimNow && mayClaim ? await this.claimAndLaunch() : 0;
    if (claimNow) this.nextClaimAt = launched > 0 ? 0 : now + this.opts.pollMs;
    if (prepared.took === 0 && launched === 0) {
      this.events.emit('idle', { inFlight: this.inFlight.size });
      if ((await this.idle.wait(this.opts.pollMs)) && this.running) this.events.emit('woken', {});
    } else if (prepared.took > 0 && !prepared.full && launched === 0) {
      // Items trickling in (every commit rings the bell): let them gather for a moment rather than
      // prepare and poll after each commit; longer when they pour in. The bell cannot cut this short.
      const gatherMs = this.gatherMsAfter(prepared.took);
      if (gatherMs > 0) await delay(gatherMs);
    }
  }

  private gatherMsAfter(took: number): number {
    const busy = this.opts.busyGather;
    return busy && took >= busy.took ? busy.ms : (this.opts.gatherMs ?? 0);
  }

  /** Claims what there is room for and starts it; returns the jobs started. */
  private async claimAndLaunch(): Promise<number> {
    const inFlightLimit = this.opts.inFlightLimit ?? this.opts.concurrency;
    const room = Math.min(this.opts.concurrency - this.inFlight.running, inFlightLimit - this.inFlight.size);
    if (room <= 0) return 0;
    const jobs = await this.queue.claim({ workerId: this.workerId, now: this.clock.now(), leaseMs: this.opts.leaseMs, limit: room });
    if (jobs.length === 0) return 0;
    this.events.emit('claimed', { jobs });
    for (const job of jobs) this.inFlight.add(job, this.queue.keyOf(job), this.queue.deadlineMs?.(job), (entry) => this.runAndRecord(entry));
    return jobs.length;
  }

  /** Runs one job's handler, then records its outcome (a crash is recorded as a failed attempt). */
  private async runAndRecord(entry: Launched<J>): Promise<void> {
    const { job } = entry;
    let outcome: O;
    let crash: { error: unknown } | null = null;
    try {
      outcome = await this.queue.run(job, entry.abort.signal);
    } catch (error) {
      this.log.error({ err: error, job: entry.key }, `${this.queue.name}: a job failed unexpectedly; it is retried after its backoff`);
      crash = { error };
      outcome = this.queue.crashed(job, error);
    } finally {
      this.inFlight.ranOut();
      this.idle.wake();
    }
    try {
      await this.queue.record(job, outcome);
      if (crash) this.events.emit('failed', { job, error: crash.error, phase: 'run' });
      else this.events.emit('completed', { job, outcome });
    } catch (error) {
      this.log[isStoreUnavailable(error) ? 'warn' : 'error']({ err: error, job: entry.key }, `${this.queue.name}: recording an outcome failed; the lease will expire and the job is retried`);
      this.events.emit('failed', { job, error, phase: 'record' });
    } finally {
      this.inFlight.remove(entry);
      this.idle.wake();
    }
  }
}
