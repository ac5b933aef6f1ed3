import { describe, expect, it } from 'vitest';
import { MEDIA_DEADLINE_MS, nextMediaAttemptAt } from '../../src/media/retry.ts';

const CREATED = 1_000_000;
const HOUR = 3_600_000;

describe('when a failed download is tried again', () => {
  it.each([
    [1, 0.5, 5_000],
    [2, 0.5, 30_000],
    [3, 0.5, 120_000],
    [4, 0.5, 240_000],
    [4, 0, 192_000],
    [4, 0.999_999, 288_000],
    [5, 0.5, 480_000],
    [20, 0.5, HOUR],
    [20, 0, 0.8 * HOUR],
  ])('after attempt %i (draw %d): %i ms later', (attempts, random, delayMs) => {
    const now = CREATED + 60_000;
    expect(nextMediaAttemptAt(attempts, CREATED, now, random)).toBe(now + delayMs);
  });

  it('gives up once the next attempt would come more than 7 days after the message arrived', () => {
    expect(nextMediaAttemptAt(30, CREATED, CREATED + MEDIA_DEADLINE_MS - HOUR, 0.5)).toBe(CREATED + MEDIA_DEADLINE_MS);
    expect(nextMediaAttemptAt(30, CREATED, CREATED + MEDIA_DEADLINE_MS - HOUR + 1, 0.5)).toBeNull();
    expect(nextMediaAttemptAt(1, CREATED, CREATED + MEDIA_DEADLINE_MS, 0.5)).toBeNull();
  });
});
