import type { Logger } from 'pino';
import { isStoreUnavailable } from './unavailable.ts';

/**
 * How a background loop (a worker, a sweep, a timer) lives through a store outage: each failed
 * cycle waits longer before the next (doubling from `minMs` to `maxMs`, so a long outage costs a
 * query every few seconds, not a spin), the outage is logged at warn once when it starts and at
 * info once when it ends, rather than on every tick. Failures that are not an outage (a bug, bad
 * data) back off the same way but are logged at error every time.
 */
export class OutageBackoff {
  private failures = 0;
  private down = false;

  constructor(
    private readonly log: Logger,
    /** What the loop does, for the log lines ("outbox worker"). */
    private readonly what: string,
    private readonly opts: { minMs: number; maxMs: number } = { minMs: 500, maxMs: 5_000 },
  ) {}

  /** Records a failed cycle and returns how long to wait before the next. */
  failed(err: unknown): number {
    this.failures++;
    if (!isStoreUnavailable(err)) this.log.error({ err }, `${this.what} failed`);
    else if (!this.down) {
      this.down = true;
      this.log.warn({ err: { message: (err as Error).message, code: (err as { code?: unknown }).code } }, `${this.what}: store unavailable; backing off until it answers`);
    }
    return Math.min(this.opts.maxMs, this.opts.minMs * 2 ** Math.min(this.failures - 1, 16));
  }

  /** Records a cycle that reached the store: the outage, if any, is over. */
  succeeded(): void {
    if (this.down) this.log.info({ failedCycles: this.failures }, `${this.what}: store available again; resuming`);
    this.down = false;
    this.failures = 0;
  }
}
