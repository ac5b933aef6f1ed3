import { nextAttemptAt } from '../jobs/backoff.ts';

/**
 * When a download that failed for a reason that may pass (Meta 5xx, a timeout, a rejected token)
 * is tried again. Pure. 5 s, 30 s and 2 min after the first three attempts, then doubling from
 * 2 min with ±20 % jitter, capped at an hour (outbox/backoff.ts), until 7 days after the message
 * arrived: Meta keeps a webhook's media id that long (meta-cloud-api.md §3), so later attempts
 * cannot succeed and the row is marked failed.
 */
export const MEDIA_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 30_000, 120_000];
export const MEDIA_DEADLINE_MS = 7 * 24 * 3_600_000;

/** The next attempt after attempt `attempts` failed at `now`, or null past the deadline. */
export function nextMediaAttemptAt(attempts: number, createdAt: number, now: number, random: number): number | null {
  return nextAttemptAt(attempts, now, createdAt + MEDIA_DEADLINE_MS, MEDIA_RETRY_SCHEDULE_MS, random);
}
