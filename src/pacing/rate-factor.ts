/**
 * The share of a number's configured rate in force. When Meta answers 130429 anyway (another
 * sender on the number, a lower level than configured), the rate drops by a fifth at once (at
 * most once a second: the answers to sends already on their way count once) and recovers
 * linearly to the configured rate over a minute: slow enough not to hit the limit again at once,
 * fast enough not to waste the number's throughput.
 */
export interface RateFactor {
  /** The share of the configured rate in force at `factorAt` (1 = all of it). */
  factor: number;
  factorAt: number;
}

export const RECOVERY_MS = 60_000;
export const MIN_FACTOR = 0.05;
/** What is left of the rate in force after a 130429. */
export const LOWERED_SHARE = 0.8;
export const LOWER_AT_MOST_EVERY_MS = 1000;

/** The share of the configured rate in force at `now`. */
export function factorAt(f: RateFactor, now: number): number {
  return Math.min(1, f.factor + Math.max(0, now - f.factorAt) / RECOVERY_MS);
}

/** The rate in force at `now` (the number's rate, lowered after a 130429), in messages per second. */
export function rateAt(f: RateFactor, perSecond: number, now: number): number {
  return perSecond * factorAt(f, now);
}

/** The share after Meta answered 130429 at `now`: a fifth less, once per LOWER_AT_MOST_EVERY_MS. */
export function lowerAfterThrottle(f: RateFactor, now: number): RateFactor {
  if (f.factor < 1 && now - f.factorAt < LOWER_AT_MOST_EVERY_MS) return { factor: f.factor, factorAt: f.factorAt };
  return { factor: Math.max(MIN_FACTOR, factorAt(f, now) * LOWERED_SHARE), factorAt: now };
}
