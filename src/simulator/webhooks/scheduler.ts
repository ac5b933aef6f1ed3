/**
 * Counts the simulator's outstanding asynchronous work (timers, queued and in-flight webhook
 * POSTs) so that `flush()` can wait until every scheduled delivery has been attempted, and so
 * that close/reset can cancel what has not started yet.
 */
export class Scheduler {
  private outstanding = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();
  private waiters: (() => void)[] = [];

  /** Runs `fn` after `delayMs` (real time); counted until `fn` has returned. */
  later(delayMs: number, fn: () => void): void {
    this.begin();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(fn);
    }, Math.max(0, delayMs));
    this.timers.add(timer);
  }

  /** Runs `fn` after the current I/O phase, once every timer due now has fired. */
  soon(fn: () => void): void {
    this.begin();
    const immediate = setImmediate(() => {
      this.immediates.delete(immediate);
      this.run(fn);
    });
    this.immediates.add(immediate);
  }

  /** Marks one unit of work as started; pair with `end()`. */
  begin(): void {
    this.outstanding++;
  }

  /** Marks one unit of work as finished; wakes `idle()` waiters at zero. */
  end(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.outstanding > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once nothing is outstanding. */
  idle(): Promise<void> {
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels every timer that has not fired yet; work already running finishes. */
  cancelPending(): void {
    for (const timer of this.timers) clearTimeout(timer);
    for (const immediate of this.immediates) clearImmediate(immediate);
    const cancelled = this.timers.size + this.immediates.size;
    this.timers.clear();
    this.immediates.clear();
    for (let i = 0; i < cancelled; i++) this.end();
  }

  private run(fn: () => void): void {
    try {
      fn();
    } finally {
      this.end();
    }
  }
}
