import { factorAt, lowerAfterThrottle } from './send-budget.ts';

/**
 * A number's sends, for the process that is the only one sending (the embedded default), under
 * two rules at once:
 * - Meta counts a number's messages over a sliding second: no more than the rate are granted
 *   within a second and WINDOW_MARGIN_MS, so that requests the network bunches up on their way
 *   still fit Meta's count;
 * - they are spread evenly, at the rate, with a tenth of a second of catching up: a burst of a
 *   whole second's sends at once would reach Meta spread by its own queueing, and its late ones
 *   would share Meta's next second with the next burst.
 * The catching up is what a bucket alone lacks: sends a busy event loop could not grant on time
 * are granted when it comes back, within the window. Several processes share a bucket instead
 * (send-budget.ts), which fits in one row.
 */
export interface SendWindow {
  /** The times of the sends granted within the last window, oldest first (at most the rate). */
  grants: number[];
  /** The even spreading's allowance (sends), refilled at the rate up to CATCH_UP_SECONDS of it. */
  tokens: number;
  refilledAt: number;
  /** The rate in force, as in a SendBudget (lowered after Meta's 130429). */
  factor: number;
  factorAt: number;
}

export const WINDOW_MS = 1000;
export const WINDOW_MARGIN_MS = 50;
export const CATCH_UP_SECONDS = 0.1;

export function freshWindow(now: number): SendWindow {
  // Full: the first take caps it at the catching up it allows.
  return { grants: [], tokens: Number.MAX_SAFE_INTEGER, refilledAt: now, factor: 1, factorAt: now };
}

/** Takes up to `want` sends at `now`; with none granted, how long until one can be. */
export function takeFromWindow(w: SendWindow, perSecond: number, now: number, want: number): { window: SendWindow; granted: number; waitMs: number } {
  const rate = perSecond * factorAt(w, now);
  const limit = Math.max(1, Math.floor(rate));
  const since = now - (WINDOW_MS + WINDOW_MARGIN_MS);
  const recent = w.grants.filter((t) => t > since);
  const tokens = Math.min(Math.max(1, rate * CATCH_UP_SECONDS), w.tokens + (Math.max(0, now - w.refilledAt) * rate) / 1000);
  const granted = Math.max(0, Math.min(want, limit - recent.length, Math.floor(tokens)));
  const grants = [...recent, ...new Array<number>(granted).fill(now)].slice(-limit);
  let waitMs = 0;
  if (granted === 0) {
    const oldest = recent[recent.length - limit];
    const forWindow = oldest === undefined ? 0 : oldest - since;
    const forSpreading = ((1 - tokens) * 1000) / rate;
    waitMs = Math.max(1, Math.ceil(Math.max(forWindow, forSpreading)));
  }
  return { window: { ...w, grants, tokens: tokens - granted, refilledAt: Math.max(now, w.refilledAt) }, granted, waitMs };
}

/** The window after Meta answered 130429: half the rate in force, recovering as a budget does. */
export function lowerWindowAfterThrottle(w: SendWindow, now: number): SendWindow {
  const lowered = lowerAfterThrottle({ tokens: 0, refilledAt: now, factor: w.factor, factorAt: w.factorAt }, now);
  return { ...w, tokens: Math.min(0, w.tokens), factor: lowered.factor, factorAt: lowered.factorAt };
}
