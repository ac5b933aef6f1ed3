/**
 * A token bucket over an injected clock: the model for Meta's per-number throughput (§5.1, a
 * bucket of `mps` tokens refilled at `mps` per second) and the pair rate (§5.2, a burst of 45
 * refilled at 1 per 6 s, so a burst of N is paid back over about N × 6 s).
 */
export interface TokenBucket {
  tokens: number;
  updatedAtMs: number;
}

/** Limits of one bucket: its size and how fast it refills. */
export interface BucketLimit {
  capacity: number;
  refillPerMs: number;
}

/** A full bucket at `nowMs`. */
export function fullBucket(limit: BucketLimit, nowMs: number): TokenBucket {
  return { tokens: limit.capacity, updatedAtMs: nowMs };
}

/** Adds the tokens earned since the last look; a clock moving backwards earns nothing. */
export function refillBucket(bucket: TokenBucket, limit: BucketLimit, nowMs: number): TokenBucket {
  const elapsed = Math.max(0, nowMs - bucket.updatedAtMs);
  return { tokens: Math.min(limit.capacity, bucket.tokens + elapsed * limit.refillPerMs), updatedAtMs: Math.max(nowMs, bucket.updatedAtMs) };
}

/** True when one token is available. */
export function hasToken(bucket: TokenBucket): boolean {
  return bucket.tokens >= 1;
}

/** The bucket after spending one token. */
export function takeToken(bucket: TokenBucket): TokenBucket {
  return { tokens: bucket.tokens - 1, updatedAtMs: bucket.updatedAtMs };
}
