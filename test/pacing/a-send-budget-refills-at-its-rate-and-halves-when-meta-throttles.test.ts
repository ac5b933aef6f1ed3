import { describe, expect, it } from 'vitest';
import { BURST_SECONDS, freshBudget, lowerAfterThrottle, MIN_FACTOR, rateAt, RECOVERY_MS, takeFromBudget } from '../../src/pacing/send-budget.ts';

const T0 = 1_767_268_800_000;

describe('a number’s send budget', () => {
  it('starts with a fifth of a second of sends, then grants one per interval of the rate', () => {
    const first = takeFromBudget(freshBudget(80, T0), 80, T0, 100);
    expect(first.granted).toBe(80 * BURST_SECONDS);
    const empty = takeFromBudget(first.budget, 80, T0, 1);
    expect(empty).toMatchObject({ granted: 0, waitMs: 13 });
    expect(takeFromBudget(empty.budget, 80, T0 + 100, 100).granted).toBe(8);
  });

  it('grants no more than asked, and keeps the rest', () => {
    const t = takeFromBudget(freshBudget(80, T0), 80, T0, 3);
    expect(t.granted).toBe(3);
    expect(takeFromBudget(t.budget, 80, T0, 100).granted).toBe(13);
  });

  it('holds no more than its burst after a long idle time, and never less than one send', () => {
    expect(takeFromBudget(freshBudget(80, T0), 80, T0 + 3_600_000, 1000).granted).toBe(16);
    expect(takeFromBudget(freshBudget(1, T0), 1, T0, 10).granted).toBe(1);
  });

  it('earns nothing when the clock moves backwards', () => {
    const spent = takeFromBudget(freshBudget(80, T0), 80, T0, 100).budget;
    expect(takeFromBudget(spent, 80, T0 - 10_000, 1).granted).toBe(0);
  });

  it('never hands out more than its burst plus the rate over any stretch of time', () => {
    let budget = freshBudget(50, T0);
    const grants: Array<[number, number]> = [];
    let now = T0;
    for (let i = 0; i < 2000; i++) {
      now += (i * 7919) % 23;
      const t = takeFromBudget(budget, 50, now, 1 + ((i * 31) % 5));
      budget = t.budget;
      if (t.granted > 0) grants.push([now, t.granted]);
    }
    for (const [start] of grants) {
      const inSecond = grants.filter(([at]) => at >= start && at < start + 1000).reduce((sum, [, n]) => sum + n, 0);
      expect(inSecond).toBeLessThanOrEqual(50 + 50 * BURST_SECONDS);
    }
  });

  it('halves its rate when Meta answers 130429, and recovers it over a minute', () => {
    const lowered = lowerAfterThrottle(freshBudget(80, T0), T0);
    expect(rateAt(lowered, 80, T0)).toBe(40);
    expect(lowered.tokens).toBe(0);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS / 4)).toBe(60);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS)).toBe(80);
    const twice = lowerAfterThrottle(lowered, T0 + 1);
    expect(rateAt(twice, 80, T0 + 1)).toBeCloseTo(20, 1);
  });

  it('keeps a floor under the rate however often Meta throttles', () => {
    let budget = freshBudget(80, T0);
    for (let i = 0; i < 20; i++) budget = lowerAfterThrottle(budget, T0);
    expect(rateAt(budget, 80, T0)).toBeCloseTo(80 * MIN_FACTOR);
    expect(takeFromBudget(budget, 80, T0 + 1000, 10).granted).toBe(1);
  });
});
