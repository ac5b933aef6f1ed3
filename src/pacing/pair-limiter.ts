import { LRUCache } from 'lru-cache';
import { type BucketLimit, fullBucket, refillBucket, type TokenBucket } from './token-bucket.ts';

/**
 * Meta's pair rate (meta-cloud-api.md §5.2): one number may send one customer about one message
 * per 6 s, in bursts of up to 45 paid back later; past it Meta answers 131056. Kept per process
 * (a customer written to by several processes at once is rare) for the customers seen lately.
 */
export class PairLimiter {
  // Made by the first send: its 100 000 slots are allocated up front (about 25 ms), which every CLI
  // command paid when building its deps, and most processes never send.
  private cache: LRUCache<string, TokenBucket> | null = null;
  private readonly limit: BucketLimit;

  constructor(opts: { burst: number; perMinute: number }) {
    this.limit = { capacity: opts.burst, refillPerMs: opts.perMinute / 60_000 };
  }

  private get buckets(): LRUCache<string, TokenBucket> {
    this.cache ??= new LRUCache<string, TokenBucket>({ max: 100_000 });
    return this.cache;
  }

  /**
   * Reserves the pair's next send: 0 when it may go now, else the milliseconds until it may. A
   * reservation further away than `maxWaitMs` is not made (the answer is still its wait).
   */
  reserve(phoneNumberId: string, recipient: string, now: number, maxWaitMs: number): number {
    const key = `${phoneNumberId}\n${recipient}`;
    const bucket = refillBucket(this.buckets.get(key) ?? fullBucket(this.limit, now), this.limit, now);
    const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.limit.refillPerMs);
    if (waitMs <= maxWaitMs) this.buckets.set(key, { tokens: bucket.tokens - 1, updatedAtMs: bucket.updatedAtMs });
    return waitMs;
  }

  /** Gives back a reservation whose send did not go out. */
  release(phoneNumberId: string, recipient: string): void {
    const key = `${phoneNumberId}\n${recipient}`;
    const bucket = this.buckets.get(key);
    if (bucket) this.buckets.set(key, { tokens: Math.min(this.limit.capacity, bucket.tokens + 1), updatedAtMs: bucket.updatedAtMs });
  }
}
