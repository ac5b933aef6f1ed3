/**
 * A phone number's send budget: how many messages it may hand to Meta now, refilled at the
 * number's rate (meta-cloud-api.md §5.1: 80 messages/s by default, up to 1,000). One pure
 * algorithm, kept in memory by a single serving process and in one row shared by every process
 * on PostgreSQL (pacing/shared-budget-store.ts).
 *
 * The bucket holds at most a fifth of a second of sends. Meta counts a number's messages over a
 * sliding second; handing out at most that burst plus the rate keeps any second below the rate
 * with room for the network to bunch requests up on their way.
 *
 * When Meta answers 130429 anyway (another sender on the number, a lower level than configured),
 * the rate is halved at once and recovers linearly to the configured rate over a minute: slow
 * enough not to hit the limit again at once, fast enough not to waste the number's throughput.
 */
export interface SendBudget {
  tokens: number;
  /** Epoch ms of the last refill. */
  refilledAt: number;
  /** The share of the configured rate in force at `factorAt` (1 = all of it). */
  factor: number;
  factorAt: number;
}

export const BURST_SECONDS = 0.2;
export const RECOVERY_MS = 60_000;
export const MIN_FACTOR = 0.05;

/** A budget never used: full, at the full rate. */
export function freshBudget(perSecond: number, now: number): SendBudget {
  return { tokens: capacityOf(perSecond), refilledAt: now, factor: 1, factorAt: now };
}

/** The share of the configured rate in force at `now`. */
export function factorAt(budget: SendBudget, now: number): number {
  return Math.min(1, budget.factor + Math.max(0, now - budget.factorAt) / RECOVERY_MS);
}

/** The rate in force at `now`, in messages per second. */
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
  const elapsed = Math.max(0, now - budget.refilledAt);
  const available = Math.min(capacityOf(rate), budget.tokens + (elapsed * rate) / 1000);
  const granted = Math.max(0, Math.min(want, Math.floor(available)));
  const waitMs = granted > 0 ? 0 : Math.ceil(((1 - available) * 1000) / rate);
  return { budget: { ...budget, tokens: available - granted, refilledAt: Math.max(now, budget.refilledAt) }, granted, waitMs };
}

/** The budget after Meta answered 130429: half the rate in force, nothing left to burst. */
export function lowerAfterThrottle(budget: SendBudget, now: number): SendBudget {
  return { tokens: Math.min(0, budget.tokens), refilledAt: Math.max(now, budget.refilledAt), factor: Math.max(MIN_FACTOR, factorAt(budget, now) / 2), factorAt: now };
}
