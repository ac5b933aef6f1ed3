import { describe, expect, it } from 'vitest';
import { freshBudget, lowerAfterThrottle, MIN_FACTOR, mostPerSecond, rateAt, RECOVERY_MS, takeFromBudget } from '../../src/pacing/send-budget.ts';

const T0 = 1_767_268_800_000;

describe('a number’s send budget', () => {
  it('starts with a fiftieth of a second of sends, then grants at 96 % of the rate', () => {
    const first = takeFromBudget(freshBudget(1000, T0), 1000, T0, 100);
    expect(first.granted).toBe(20);
    const empty = takeFromBudget(first.budget, 1000, T0, 1);
    expect(empty).toMatchObject({ granted: 0, waitMs: 2 });
    expect(takeFromBudget(empty.budget, 1000, T0 + 10, 100).granted).toBe(9);
  });

  it('grants no more than asked, and keeps the rest', () => {
    const t = takeFromBudget(freshBudget(1000, T0), 1000, T0, 3);
    expect(t.granted).toBe(3);
    expect(takeFromBudget(t.budget, 1000, T0, 100).granted).toBe(17);
  });

  it('holds no more than its burst after a long idle time, and never less than one send', () => {
    expect(takeFromBudget(freshBudget(1000, T0), 1000, T0 + 3_600_000, 1000).granted).toBe(20);
    expect(takeFromBudget(freshBudget(80, T0), 80, T0 + 3_600_000, 1000).granted).toBe(1);
  });

  it('earns nothing when the clock moves backwards', () => {
    const spent = takeFromBudget(freshBudget(80, T0), 80, T0, 100).budget;
    expect(takeFromBudget(spent, 80, T0 - 10_000, 1).granted).toBe(0);
  });

  it.each([20, 80, 1000])('never hands out more than the rate (%i/s) within any sliding second, as Meta counts', (rate) => {
    let budget = freshBudget(rate, T0);
    const grants: number[] = [];
    for (let now = T0; now < T0 + 5000; now++) {
      const t = takeFromBudget(budget, rate, now, 1000);
      budget = t.budget;
      for (let i = 0; i < t.granted; i++) grants.push(now);
    }
    let busiest = 0;
    for (let i = 0, j = 0; i < grants.length; i++) {
      while ((grants[i] as number) - (grants[j] as number) >= 1000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    expect(busiest).toBeLessThanOrEqual(rate);
    expect(busiest).toBeLessThanOrEqual(mostPerSecond(rate));
    // Paced, it keeps at least 95 % of the rate.
    expect(grants.length / 5).toBeGreaterThanOrEqual(0.95 * rate);
  });

  it('never hands out more than its burst plus the rate over any stretch of time, however it is asked', () => {
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
      expect(inSecond).toBeLessThanOrEqual(50);
    }
  });

  it('drops its rate by a fifth when Meta answers 130429, and recovers it over a minute', () => {
    const lowered = lowerAfterThrottle(freshBudget(80, T0), T0);
    expect(rateAt(lowered, 80, T0)).toBe(64);
    expect(lowered.tokens).toBe(0);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS / 4)).toBe(80);
    expect(rateAt(lowered, 80, T0 + RECOVERY_MS)).toBe(80);
  });

  it('counts the 130429s of one second once: they answer sends already on their way', () => {
    const lowered = lowerAfterThrottle(freshBudget(80, T0), T0);
    expect(rateAt(lowerAfterThrottle(lowered, T0 + 500), 80, T0 + 500)).toBeCloseTo(rateAt(lowered, 80, T0 + 500));
    expect(rateAt(lowerAfterThrottle(lowered, T0 + 1000), 80, T0 + 1000)).toBeCloseTo(rateAt(lowered, 80, T0 + 1000) * 0.8);
  });

  it('keeps a floor under the rate however often Meta throttles', () => {
    let budget = freshBudget(80, T0);
    for (let i = 0; i < 40; i++) budget = lowerAfterThrottle(budget, T0 + i * 1000);
    expect(rateAt(budget, 80, T0 + 39_000)).toBeLessThan(80 * 0.2);
    expect(MIN_FACTOR).toBeGreaterThan(0);
  });
});
