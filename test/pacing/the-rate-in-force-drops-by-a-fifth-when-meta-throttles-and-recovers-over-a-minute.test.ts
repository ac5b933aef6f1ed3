import { describe, expect, it } from 'vitest';
import { lowerAfterThrottle, MIN_FACTOR, rateAt, RECOVERY_MS } from '../../src/pacing/rate-factor.ts';

const T0 = 1_767_268_800_000;
const FULL = { factor: 1, factorAt: T0 };

describe('the share of a number’s rate in force', () => {
  it('drops by a fifth when Meta answers 130429, and recovers over a minute', () => {
    const lowered = lowerAfterThrottle(FULL, T0);
    expect(rateAt(lowered, 80, T0)).toBe(64);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS / 10)).toBeCloseTo(72);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS / 4)).toBe(80);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS)).toBe(80);
  });

  it('counts the 130429s of one second once: they answer sends already on their way', () => {
    const lowered = lowerAfterThrottle(FULL, T0);
    expect(rateAt(lowerAfterThrottle(lowered, T0 + 500), 80, T0 + 500)).toBeCloseTo(rateAt(lowered, 80, T0 + 500));
    expect(rateAt(lowerAfterThrottle(lowered, T0 + 1000), 80, T0 + 1000)).toBeCloseTo(rateAt(lowered, 80, T0 + 1000) * 0.8);
  });

  it('keeps a floor under the rate however often Meta throttles', () => {
    let f = FULL;
    for (let i = 0; i < 40; i++) f = lowerAfterThrottle(f, T0 + i * 1000);
    expect(rateAt(f, 80, T0 + 39_000)).toBeLessThan(80 * 0.2);
    expect(rateAt(f, 80, T0 + 39_000)).toBeGreaterThanOrEqual(80 * MIN_FACTOR);
  });
});
