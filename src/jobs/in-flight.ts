/** A launched job until its outcome is recorded. */
export interface Launched<J> {
  job: J;
  key: string;
  /** Aborted when a stop has waited long enough for it. */
  abort: AbortController;
  /** performance.now() past which its lease is no longer renewed (Infinity: no deadline). */
  deadlineAt: number;
  /** Resolves once the outcome is recorded (or recording failed); never rejects. */
  done: Promise<void>;
}

/**
 * The jobs a runner has launched: how many handlers are running (the concurrency limit applies to
 * these) and how many are launched and not yet recorded (an outcome being written holds no
 * handler slot, but their number is bounded too).
 */
export class InFlight<J> {
  private readonly launched = new Set<Launched<J>>();
  private runningCount = 0;

  /** Handlers running. */
  get running(): number {
    return this.runningCount;
  }

  /** Jobs launched and not yet recorded. */
  get size(): number {
    return this.launched.size;
  }

  /** Registers a job whose handler starts now; `track` runs it to the end and never rejects. */
  add(job: J, key: string, deadlineMs: number | undefined, track: (entry: Launched<J>) => Promise<void>): void {
    const entry: Launched<J> = { job, key, abort: new AbortController(), deadlineAt: performance.now() + (deadlineMs ?? Infinity), done: Promise.resolve() };
    this.runningCount++;
    this.launched.add(entry);
    entry.done = track(entry);
  }

  /** The job's handler returned: its slot is free while the outcome is written. */
  ranOut(): void {
    this.runningCount--;
  }

  /** The job's outcome is recorded (or could not be): it is no longer in flight. */
  remove(entry: Launched<J>): void {
    this.launched.delete(entry);
  }

  /** Keys of launched jobs still inside their deadline: the leases worth renewing. */
  renewableKeys(): string[] {
    const at = performance.now();
    return [...this.launched].filter((e) => e.deadlineAt > at).map((e) => e.key);
  }

  /** Resolves when every job launched so far is recorded, or after `ms`, whichever is first. */
  async settled(ms = Infinity): Promise<void> {
    const all = Promise.allSettled([...this.launched].map((e) => e.done));
    if (ms === Infinity) return void (await all);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    });
    await Promise.race([all, deadline]);
    clearTimeout(timer);
  }

  /** Aborts every handler still running. */
  abortAll(reason: Error): void {
    for (const e of this.launched) e.abort.abort(reason);
  }
}
