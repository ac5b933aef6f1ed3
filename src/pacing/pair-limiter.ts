import { type BucketLimit, fullBucket, refillBucket, type TokenBucket } from './token-bucket.ts';

/** A customer's bucket and the moment it is full again, when it is no different from no bucket. */
interface PairEntry {
  bucket: TokenBucket;
  fullAtMs: number;
}

/** How often stale buckets are looked for: each look walks the buckets kept. */
const SWEEP_EVERY_MS = 5_000;
/** At most this many customers are tracked; past it the least recently reserved are forgotten first. */
const MAX_PAIRS = 100_000;

/**
 * Meta's pair rate (meta-cloud-api.md §5.2): one number may send one customer about one message
 * per 6 s, in bursts of up to 45 paid back later; past it Meta answers 131056. Kept per process
 * (a customer written to by several processes at once is rare) for the customers still paying
 * back a send: a bucket that has refilled is dropped, since a missing bucket counts as full. A
 * broadcast writes to each customer once, so it keeps about 6 s of its sends, not every customer
 * it has reached (a 100,000-recipient broadcast held 100,000 buckets, ~20 MB, before).
 */
export class PairLimiter {
  // A Map keeps insertion order, and a reservation re-inserts its key: the first keys are the least
  // recently reserved, the ones to forget when the map is full.
  private readonly entries = new Map<string, PairEntry>();
  private readonly limit: BucketLimit;
  private sweptAtMs = -Infinity;

  constructor(opts: { burst: number; perMinute: number }) {
    this.limit = { capacity: opts.burst, refillPerMs: opts.perMinute / 60_000 };
  }

  /** How many customers are tracked now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Reserves the pair's next send: 0 when it may go now, else the milliseconds until it may. A
   * reservation further away than `maxWaitMs` is not made (the answer is still its wait).
   */
  reserve(phoneNumberId: string, recipient: string, now: number, maxWaitMs: number): number {
    this.sweep(now);
    const key = `${phoneNumberId}\n${recipient}`;
    const kept = this.entries.get(key);
    const bucket = refillBucket(kept?.bucket ?? fullBucket(this.limit, now), this.limit, now);
    const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / this.limit.refillPerMs);
    if (waitMs <= maxWaitMs) {
      this.entries.delete(key);
      this.keep(key, { tokens: bucket.tokens - 1, updatedAtMs: bucket.updatedAtMs });
    }
    return waitMs;
  }

  /** Gives back a reservation whose send did not go out. */
  release(phoneNumberId: string, recipient: string): void {
    const key = `${phoneNumberId}\n${recipient}`;
    const kept = this.entries.get(key);
    if (kept) this.keep(key, { tokens: Math.min(this.limit.capacity, kept.bucket.tokens + 1), updatedAtMs: kept.bucket.updatedAtMs });
  }

  private keep(key: string, bucket: TokenBucket): void {
    const fullAtMs = bucket.updatedAtMs + (this.limit.capacity - bucket.tokens) / this.limit.refillPerMs;
    this.entries.set(key, { bucket, fullAtMs });
    if (this.entries.size > MAX_PAIRS) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Drops the buckets that are full again, at most once per SWEEP_EVERY_MS. */
  private sweep(now: number): void {
    if (now - this.sweptAtMs < SWEEP_EVERY_MS) return;
    this.sweptAtMs = now;
    for (const [key, entry] of this.entries) if (entry.fullAtMs <= now) this.entries.delete(key);
  }
}
