import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { pairKey } from '../state.ts';
import { type BucketLimit, fullBucket, hasToken, refillBucket, takeToken } from '../../pacing/token-bucket.ts';
import { ThroughputWindow } from './throughput-window.ts';

const dayMs = 24 * 60 * 60 * 1000;

/**
 * Takes one message from the number's throughput (§5.1: 130429 once `maxMessagesPerSecond`
 * sends were accepted in the last second) and from the (number, customer) pair rate (§5.2:
 * 131056, a burst refilled over time). Both are checked before either is spent, so a refused
 * send costs nothing.
 */
export function takeSendQuota(ctx: SimContext, phoneNumberId: string, waId: string): void {
  const { options, state } = ctx;
  const now = ctx.now();
  const mps = options.maxMessagesPerSecond;
  const window = throughputOf(ctx, phoneNumberId);
  if (!window.hasRoom(now)) {
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
  window.record(now);
  if (pair) state.pairs.set(key, takeToken(pair));
}

function throughputOf(ctx: SimContext, phoneNumberId: string): ThroughputWindow {
  let window = ctx.state.throughput.get(phoneNumberId);
  if (!window) {
    window = new ThroughputWindow(ctx.options.maxMessagesPerSecond);
    ctx.state.throughput.set(phoneNumberId, window);
  }
  return window;
}

/** Whether the customer wrote to this number in the last 24 hours (§5.5). */
export function isWindowOpen(ctx: SimContext, phoneNumberId: string, waId: string): boolean {
  const last = ctx.state.lastInboundAt.get(pairKey(phoneNumberId, waId));
  return last !== undefined && ctx.now() - last < dayMs;
}
