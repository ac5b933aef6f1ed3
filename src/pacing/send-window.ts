import { factorAt, lowerAfterThrottle } from './send-budget.ts';

/**
 * A number's sends, for the process that is the only one sending (the embedded default), under
 * two rules at once:
 * - Meta counts a number's messages over a sliding second, and refuses the one past the rate.
 *   Meta counts a send at some moment between our request leaving and its answer coming back, so
 *   a send is counted here at the latest moment Meta can have counted it: while it is on its way
 *   it counts now, and once answered it counts at its answer. A new send, which Meta can only
 *   count later than now, then fits Meta's window exactly when it fits this one, however the
 *   network or a busy event loop bunched the requests up on their way, with no margin to guess.
 * - they are spread evenly, at the rate, with a tenth of a second of catching up: a burst of a
 *   whole second's sends at once would reach Meta spread by its own queueing, and its late ones
 *   would share Meta's next second with the next burst.
 * The catching up is what a bucket alone lacks: sends a busy event loop could not grant on time
 * are granted when it comes back, within the window. Several processes share a bucket instead
 * (send-budget.ts), which fits in one row.
 */
export interface SendWindow {
  /** When the answered sends of the last second were answered (a clock can go backwards: unordered). */
  answered: number[];
  /** Sends granted and not yet answered: each counts as sent now. */
  inFlight: number;
  /** The even spreading's allowance (sends), refilled at the rate up to CATCH_UP_SECONDS of it. */
  tokens: number;
  refilledAt: number;
  /** The rate in force, as in a SendBudget (lowered after Meta's 130429). */
  factor: number;
  factorAt: number;
}

export const WINDOW_MS = 1000;
export const CATCH_UP_SECONDS = 0.1;
/** With the window full of sends still on their way, how soon to look again (ms). */
export const IN_FLIGHT_POLL_MS = 5;

export function freshWindow(now: number): SendWindow {
  // Full: the first take caps it at the catching up it allows.
  return { answered: [], inFlight: 0, tokens: Number.MAX_SAFE_INTEGER, refilledAt: now, factor: 1, factorAt: now };
}

/** Takes up to `want` sends at `now`; with none granted, how long until one can be. */
export function takeFromWindow(w: SendWindow, perSecond: number, now: number, want: number): { window: SendWindow; granted: number; waitMs: number } {
  const rate = perSecond * factorAt(w, now);
  const limit = Math.max(1, Math.floor(rate));
  const answered = w.answered.filter((t) => t > now - WINDOW_MS);
  const tokens = Math.min(Math.max(1, rate * CATCH_UP_SECONDS), w.tokens + (Math.max(0, now - w.refilledAt) * rate) / 1000);
  const room = limit - answered.length - w.inFlight;
  const granted = Math.max(0, Math.min(want, room, Math.floor(tokens)));
  let waitMs = 0;
  if (granted === 0) {
    const forSpreading = ((1 - tokens) * 1000) / rate;
    waitMs = Math.max(1, Math.ceil(Math.max(forWindow(answered, 1 - room, now), forSpreading)));
  }
  return { window: { ...w, answered, inFlight: w.inFlight + granted, tokens: tokens - granted, refilledAt: Math.max(now, w.refilledAt) }, granted, waitMs };
}

/**
 * How long until `leaving` of the answered sends have left the window. When the sends on their way
 * fill it on their own, only their answers make room: look again soon.
 */
function forWindow(answered: readonly number[], leaving: number, now: number): number {
  if (leaving <= 0) return 0;
  if (leaving > answered.length) return IN_FLIGHT_POLL_MS;
  const oldest = [...answered].sort((a, b) => a - b)[leaving - 1] as number;
  return oldest + WINDOW_MS - now;
}

/** `count` granted sends were answered at `now` (or never left): they count at `now` from here on. */
export function answeredInWindow(w: SendWindow, now: number, count: number): SendWindow {
  const settled = Math.min(count, w.inFlight);
  if (settled <= 0) return w;
  // Never longer than the sends granted in the last second: each take drops the older ones.
  const answered = w.answered.slice();
  for (let i = 0; i < settled; i++) answered.push(now);
  return { ...w, answered, inFlight: w.inFlight - settled };
}

/** The window after Meta answered 130429: a fifth less of the rate in force, recovering as a budget does. */
export function lowerWindowAfterThrottle(w: SendWindow, now: number): SendWindow {
  const lowered = lowerAfterThrottle({ tokens: 0, refilledAt: now, factor: w.factor, factorAt: w.factorAt }, now);
  return { ...w, tokens: Math.min(0, w.tokens), factor: lowered.factor, factorAt: lowered.factorAt };
}
