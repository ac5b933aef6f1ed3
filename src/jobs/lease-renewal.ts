import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { isStoreUnavailable } from '../db/unavailable.ts';

/**
 * Extends the leases of running jobs every third of a lease (at least every second), so a job
 * that takes longer than one lease (a 100 MB download) is never claimed by another runner while
 * it runs. A job past its deadline is not renewed: its handler is ending it, and if this process
 * dies its lease must run out.
 */
export class LeaseRenewal {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: {
      renew: (keys: readonly string[], until: number) => Promise<void>;
      keys: () => string[];
      clock: Clock;
      leaseMs: number;
      log: Logger;
      onRenewed: (keys: readonly string[]) => void;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.renewNow(), Math.max(1_000, Math.floor(this.o.leaseMs / 3)));
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async renewNow(): Promise<void> {
    const keys = this.o.keys();
    if (keys.length === 0) return;
    try {
      await this.o.renew(keys, this.o.clock.now() + this.o.leaseMs);
      this.o.onRenewed(keys);
    } catch (err) {
      this.o.log[isStoreUnavailable(err) ? 'warn' : 'error']({ err }, 'renewing leases failed');
    }
  }
}
