import { describe, expect, it } from 'vitest';
import { freshWindow, lowerWindowAfterThrottle, takeFromWindow, WINDOW_MARGIN_MS, WINDOW_MS } from '../../src/pacing/send-window.ts';

const T0 = 1_767_268_800_000;

/** The most grants within any one sliding second of `times` (ascending). */
function busiestSecond(times: readonly number[]): number {
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] as number) - (times[j] as number) >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

describe('the sliding second of a number’s sends (one serving process)', () => {
  it('spreads sends evenly at the rate, catching up at most a tenth of a second at once', () => {
    const first = takeFromWindow(freshWindow(T0), 80, T0, 200);
    expect(first).toMatchObject({ granted: 8 });
    const next = takeFromWindow(first.window, 80, T0, 1);
    expect(next).toMatchObject({ granted: 0, waitMs: 13 });
    expect(takeFromWindow(next.window, 80, T0 + 50, 200).granted).toBe(4);
    expect(takeFromWindow(next.window, 80, T0 + 5_000, 200).granted).toBe(8);
  });

  it('waits, whatever it caught up, until the oldest send of a full window leaves it', () => {
    let w = freshWindow(T0);
    let granted = 0;
    for (let now = T0; now <= T0 + 1000; now += 100) {
      const t = takeFromWindow(w, 80, now, 200);
      w = t.window;
      granted += t.granted;
    }
    expect(granted).toBe(80);
    const full = takeFromWindow(w, 80, T0 + 1000, 1);
    expect(full.granted).toBe(0);
    expect(full.waitMs).toBeGreaterThanOrEqual(WINDOW_MARGIN_MS);
    expect(takeFromWindow(full.window, 80, T0 + 100 + WINDOW_MS + WINDOW_MARGIN_MS + 1, 200).granted).toBeGreaterThan(0);
  });

  it.each([[20, 7], [80, 3], [1000, 1], [80, 20]])('never grants more than the rate (%i/s) in any second, and keeps 95 percent of it when asked every %i ms', (rate, every) => {
    let w = freshWindow(T0);
    const grants: number[] = [];
    for (let now = T0; now < T0 + 10_000; now += every) {
      const t = takeFromWindow(w, rate, now, rate);
      w = t.window;
      for (let i = 0; i < t.granted; i++) grants.push(now);
    }
    expect(busiestSecond(grants)).toBeLessThanOrEqual(rate);
    expect(grants.length / 10).toBeGreaterThanOrEqual(0.95 * rate);
  });

  it('counts sends granted “in the future” (a clock that moved backwards) against the window', () => {
    let ahead = freshWindow(T0);
    for (let i = 0; i < 4; i++) ahead = takeFromWindow(ahead, 2, T0 + 5_000 + i * 600, 2).window;
    expect(takeFromWindow(ahead, 2, T0 + 10_000, 1).granted).toBe(1);
    expect(takeFromWindow(ahead, 2, T0 + 6_000, 1).granted).toBe(0);
  });

  it('lowers the rate in force by a fifth when Meta answers 130429', () => {
    let w = lowerWindowAfterThrottle(freshWindow(T0), T0);
    let granted = 0;
    for (let now = T0; now < T0 + 1000; now += 10) {
      const t = takeFromWindow(w, 80, now, 200);
      w = t.window;
      granted += t.granted;
    }
    expect(granted).toBeLessThanOrEqual(66);
    expect(granted).toBeGreaterThanOrEqual(58);
  });
});
