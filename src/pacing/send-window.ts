import { lowerAfterThrottle, rateAt } from './rate-factor.ts';

/**
 * A number's sends, under two rules at once. One pure algorithm, kept in memory by a single
 * serving process (budget-source.ts) and in one row shared by every process on PostgreSQL
 * (shared-budget-store.ts).
 * - Meta counts a number's messages over a sliding second, and refuses the one past the rate.
 *   Meta counts a send at some moment between our request leaving and its answer coming back, so
 *   a send is counted here at the latest moment Meta can have counted it: while it is on its way
 *   it counts now, and once answered it counts at its answer. A new send, which Meta can only
 *   count later than now, then fits Meta's window whenever it fits this one, however the network
 *   or a busy event loop bunched the requests up on their way, with no margin to guess.
 * - They are spread evenly, at the rate, with a tenth of a second of catching up: a burst of a
 *   whole second's sends at once would reach Meta spread by its own queueing, and its late ones
 *   would share Meta's next second with the next burst. The catching up grants, when a busy
 *   event loop comes back, the sends it could not grant on time.
 */
export interface SendWindow {
  /** When the answered sends of the last second were answered, oldest first. */
  answered: number[];
  /** When each send still on its way was granted: each counts as sent now. */
  onTheirWay: number[];
  /** The even spreading's allowance (sends), refilled at the rate up to CATCH_UP_SECONDS of it. */
  tokens: number;
  refilledAt: number;
  /** The share of the rate in force (rate-factor.ts: lowered after Meta's 130429). */
  factor: number;
  factorAt: number;
}

export const WINDOW_MS = 1000;
export const CATCH_UP_SECONDS = 0.1;
/** With the window full of sends still on their way, how soon to look again (ms). */
export const ON_THEIR_WAY_POLL_MS = 5;

export function freshWindow(now: number): SendWindow {
  // Full: the first take caps it at the catching up it allows.
  return { answered: [], onTheirWay: [], tokens: Number.MAX_SAFE_INTEGER, refilledAt: now, factor: 1, factorAt: now };
}

/** Takes up to `want` sends at `now`; with none granted, how long until one can be. */
export function takeFromWindow(w: SendWindow, perSecond: number, now: number, want: number): { window: SendWindow; granted: number; waitMs: number } {
  const rate = rateAt(w, perSecond, now);
  const limit = Math.max(1, Math.floor(rate));
  const answered = w.answered.filter((t) => t > now - WINDOW_MS);
  const tokens = Math.min(Math.max(1, rate * CATCH_UP_SECONDS), w.tokens + (Math.max(0, now - w.refilledAt) * rate) / 1000);
  const room = limit - answered.length - w.onTheirWay.length;
  const granted = Math.max(0, Math.min(want, room, Math.floor(tokens)));
  let waitMs = 0;
  if (granted === 0) {
    const forSpreading = ((1 - tokens) * 1000) / rate;
    waitMs = Math.max(1, Math.ceil(Math.max(forWindow(answered, 1 - room, now), forSpreading)));
  }
  const onTheirWay = granted > 0 ? [...w.onTheirWay, ...new Array<number>(granted).fill(now)] : w.onTheirWay;
  return { window: { ...w, answered, onTheirWay, tokens: tokens - granted, refilledAt: Math.max(now, w.refilledAt) }, granted, waitMs };
}

/**
 * How long until `leaving` of the answered sends have left the window. When the sends on their way
 * fill it on their own, only their answers make room: look again soon.
 */
function forWindow(answered: readonly number[], leaving: number, now: number): number {
  if (leaving <= 0) return 0;
  if (leaving > answered.length) return ON_THEIR_WAY_POLL_MS;
  return (answered[leaving - 1] as number) + WINDOW_MS - now;
}

/** A granted send that settled: Meta answered it, it failed, or it was not made after all. */
export interface Answer {
  grantedAt: number;
  answeredAt: number;
}

/**
 * Granted sends were answered by Meta (or never sent): from here on each counts at its answer
 * instead of on its way. An answer whose send is no longer on its way (forgotten as lost) changes
 * nothing.
 */
export function answeredInWindow(w: SendWindow, answers: readonly Answer[]): SendWindow {
  const onTheirWay = w.onTheirWay.slice();
  const answered = w.answered.slice();
  for (const a of answers) {
    const i = onTheirWay.indexOf(a.grantedAt);
    if (i < 0) continue;
    onTheirWay.splice(i, 1);
    // Kept in order (answers nearly always come in order; a clock that went back, or another
    // process's answers on the shared row, may not). Never longer than the sends granted in the
    // last second: each take drops the older ones.
    let at = answered.length;
    while (at > 0 && (answered[at - 1] as number) > a.answeredAt) at--;
    answered.splice(at, 0, a.answeredAt);
  }
  return { ...w, answered, onTheirWay };
}

/**
 * Forgets the sends on their way since before `now - afterMs`. Only a process that stopped (a
 * crash, kill -9) leaves a send on its way for good: any other has its answer, or fails, within
 * META_TIMEOUT_MS. Kept by the shared window, so that a dead process does not hold its number's
 * room forever.
 */
export function forgetSendsLostOnTheirWay(w: SendWindow, now: number, afterMs: number): SendWindow {
  const kept = w.onTheirWay.filter((t) => t > now - afterMs);
  return kept.length === w.onTheirWay.length ? w : { ...w, onTheirWay: kept };
}

/** The window after Meta answered 130429: a fifth less of the rate in force, and no catching up. */
export function lowerWindowAfterThrottle(w: SendWindow, now: number): SendWindow {
  return { ...w, tokens: Math.min(0, w.tokens), ...lowerAfterThrottle(w, now) };
}
