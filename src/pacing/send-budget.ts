/**
 * A phone number's send budget: how many messages it may hand to Meta now, refilled at the
 * number's rate (meta-cloud-api.md §5.1: 80 messages/s by default, up to 1,000). One pure
 * algorithm, kept in memory by a single serving process and in one row shared by every process
 * on PostgreSQL (pacing/shared-budget-store.ts).
 *
 * Meta counts a number's messages over a sliding second and refuses the one past the rate. A
 * bucket hands out, over any second, at most its capacity plus its refill rate: so it refills at
 * 96 % of the number's rate and holds at most 2 % more, and no second carries more than 98 % of
 * the rate. The 2 % left is room for requests the network bunches up on their way (about 20 ms of
 * them); the 96 % is what a number paced here achieves, above the 95 % Meta's rules leave.
 *
 * When Meta answers 130429 anyway (another sender on the number, a lower level than configured,
 * requests bunched up on their way), the rate drops by a fifth at once (at most once a second:
 * the answers to sends already on their way count once) and recovers linearly to the configured
 * rate over a minute: slow enough not to hit the limit again at once, fast enough not to waste
 * the number's throughput.
 */
export interface SendBudget {
  tokens: number;
  /** Epoch ms of the last refill. */
  refilledAt: number;
  /** The share of the configured rate in force at `factorAt` (1 = all of it). */
  factor: number;
  factorAt: number;
}

/** The share of the number's rate the bucket refills at. */
export const PACED_SHARE = 0.96;
/** The bucket's capacity, in seconds of the number's rate (never less than one send). */
export const BURST_SECONDS = 0.02;
export const RECOVERY_MS = 60_000;
export const MIN_FACTOR = 0.05;
/** What is left of the rate in force after a 130429. */
export const LOWERED_SHARE = 0.8;
export const LOWER_AT_MOST_EVERY_MS = 1000;

/** A budget never used: full, at the full rate. */
export function freshBudget(perSecond: number, now: number): SendBudget {
  return { tokens: capacityOf(perSecond), refilledAt: now, factor: 1, factorAt: now };
}

/** Most sends the bucket can hand out within any one second, at a rate in force of `rate`. */
export function mostPerSecond(rate: number): number {
  return capacityOf(rate) + rate * PACED_SHARE;
}

/** The share of the configured rate in force at `now`. */
export function factorAt(budget: Pick<SendBudget, 'factor' | 'factorAt'>, now: number): number {
  return Math.min(1, budget.factor + Math.max(0, now - budget.factorAt) / RECOVERY_MS);
}

/** The rate in force at `now` (the number's rate, lowered after a 130429), in messages per second. */
export function rateAt(budget: SendBudget, perSecond: number, now: number): number {
  return perSecond * factorAt(budget, now);
}

function capacityOf(rate: number): number {
  return Math.max(1, rate * BURST_SECONDS);
}

export interface Take {
  budget: SendBudget;
  /** Sends granted, at most `want`. */
  granted: number;
  /** With nothing granted: how long until the next send can be (ms). */
  waitMs: number;
}

/** Takes up to `want` sends from the budget at `now`. A clock that moved backwards refills nothing. */
export function takeFromBudget(budget: SendBudget, perSecond: number, now: number, want: number): Take {
  const rate = rateAt(budget, perSecond, now);
  const refill = rate * PACED_SHARE;
  const elapsed = Math.max(0, now - budget.refilledAt);
  const available = Math.min(capacityOf(rate), budget.tokens + (elapsed * refill) / 1000);
  const granted = Math.max(0, Math.min(want, Math.floor(available)));
  const waitMs = granted > 0 ? 0 : Math.ceil(((1 - available) * 1000) / refill);
  return { budget: { ...budget, tokens: available - granted, refilledAt: Math.max(now, budget.refilledAt) }, granted, waitMs };
}

/**
 * The budget after Meta answered 130429: a fifth less of the rate in force and nothing left to
 * burst, once per LOWER_AT_MOST_EVERY_MS: the answers to sends already on their way count once.
 */
export function lowerAfterThrottle(budget: SendBudget, now: number): SendBudget {
  if (budget.factor < 1 && now - budget.factorAt < LOWER_AT_MOST_EVERY_MS) return { ...budget, tokens: Math.min(0, budget.tokens) };
  return { tokens: Math.min(0, budget.tokens), refilledAt: Math.max(now, budget.refilledAt), factor: Math.max(MIN_FACTOR, factorAt(budget, now) * LOWERED_SHARE), factorAt: now };
}
