import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { pairKey } from '../state.ts';
import { type BucketLimit, fullBucket, hasToken, refillBucket, takeToken } from '../../pacing/token-bucket.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Takes one message from the number's throughput (§5.1: 130429 past `maxMessagesPerSecond`)
 * and from the (number, customer) pair rate (§5.2: 131056). Both are checked before either is
 * spent, so a refused send costs nothing.
 */
export function takeSendQuota(ctx: SimContext, phoneNumberId: string, waId: string): void {
  const { options, state } = ctx;
  const now = ctx.now();
  const mps = options.maxMessagesPerSecond;
  const throughputLimit: BucketLimit = { capacity: mps, refillPerMs: mps / 1000 };
  const throughput = refillBucket(state.throughput.get(phoneNumberId) ?? fullBucket(throughputLimit, now), throughputLimit, now);
  if (!hasToken(throughput)) {
    throw simErrors.meta(130429, `Message failed to send because there were too many messages sent from this phone number in a short period of time (limit ${mps} per second).`, options.rateLimitHttpStatus);
  }
  const pairLimit: BucketLimit | undefined = options.pairRateLimit
    ? { capacity: options.pairRateLimit.burst, refillPerMs: options.pairRateLimit.perMinute / 60_000 }
    : undefined;
  const key = pairKey(phoneNumberId, waId);
  const pair = pairLimit ? refillBucket(state.pairs.get(key) ?? fullBucket(pairLimit, now), pairLimit, now) : undefined;
  if (pair && !hasToken(pair)) {
    throw simErrors.meta(131056, undefined, options.rateLimitHttpStatus);
  }
  state.throughput.set(phoneNumberId, takeToken(throughput));
  if (pair) state.pairs.set(key, takeToken(pair));
}

/** Whether the customer wrote to this number in the last 24 hours (§5.5). */
export function isWindowOpen(ctx: SimContext, phoneNumberId: string, waId: string): boolean {
  const last = ctx.state.lastInboundAt.get(pairKey(phoneNumberId, waId));
  return last !== undefined && ctx.now() - last < dayMs;
}
