/**
 * When a failed job is tried again: the queue's schedule first (the outbox's 10 s, 40 s, 90 s of
 * kapso-api.md §8.5; the media worker's 5 s, 30 s, 2 min), then exponential backoff from the
 * schedule's last step, doubled per attempt and capped at an hour, with ±20 % jitter so that the
 * jobs of one outage do not all come back at the same instant. Pure: the random draw is passed in.
 */
const MAX_DELAY_MS = 3_600_000;
const JITTER = 0.2;

/**
 * The delay before attempt `attempt + 1`, after `attempt` attempts failed (1 = the first failed).
 * `random` is a draw in [0, 1).
 */
export function retryDelayMs(attempt: number, scheduleMs: readonly number[], random: number): number {
  if (attempt <= scheduleMs.length) return scheduleMs[attempt - 1] ?? 0;
  const last = scheduleMs[scheduleMs.length - 1] ?? 10_000;
  const base = Math.min(MAX_DELAY_MS, last * 2 ** (attempt - scheduleMs.length));
  return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}

/**
 * The next attempt's instant after attempt `attempt` failed at `now`, or null when it would fall
 * past the job's deadline (the job is then dead-lettered: marked failed for good).
 */
export function nextAttemptAt(attempt: number, now: number, deadlineAt: number, scheduleMs: readonly number[], random: number): number | null {
  const at = now + retryDelayMs(attempt, scheduleMs, random);
  return at > deadlineAt ? null : at;
}
