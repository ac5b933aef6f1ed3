import { describe, expect, it } from 'vitest';
import { answeredInWindow, forgetSendsLostOnTheirWay, freshWindow, lowerWindowAfterThrottle, type SendWindow, takeFromWindow, WINDOW_MS } from '../../src/pacing/send-window.ts';

const T0 = 1_767_268_800_000;

/** The most sends within any one sliding second of `times`, as Meta counts them. */
function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while ((sorted[i] as number) - (sorted[j] as number) >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  return busiest;
}

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

interface Send {
  grantedAt: number;
  answeredAt: number;
}

/** Every send on its way in `w`, answered at `answeredAt`. */
function allAnswered(w: SendWindow, answeredAt: number): SendWindow {
  return answeredInWindow(w, w.onTheirWay.map((grantedAt) => ({ grantedAt, answeredAt })));
}

/**
 * A number sending for `durationMs`, asking the window every `everyMs`; each send's answer comes
 * `latencyOf()` ms after its grant. Returns every send, with its grant and its answer.
 */
function drive(rate: number, durationMs: number, everyMs: number, latencyOf: () => number): Send[] {
  let w: SendWindow = freshWindow(T0);
  const sends: Send[] = [];
  const pending: Send[] = [];
  for (let now = T0; now < T0 + durationMs; now++) {
    for (const s of pending.filter((p) => p.answeredAt === now)) {
      w = answeredInWindow(w, [{ grantedAt: s.grantedAt, answeredAt: now }]);
      pending.splice(pending.indexOf(s), 1);
    }
    if ((now - T0) % everyMs !== 0) continue;
    const t = takeFromWindow(w, rate, now, rate);
    w = t.window;
    for (let i = 0; i < t.granted; i++) {
      const send = { grantedAt: now, answeredAt: now + Math.max(1, Math.round(latencyOf())) };
      sends.push(send);
      pending.push(send);
    }
  }
  return sends;
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

  it('counts a send on its way as sent now, and an answered one at its answer, for a second', () => {
    let w = freshWindow(T0);
    for (let now = T0; now < T0 + 1000; now += 100) w = takeFromWindow(w, 80, now, 8).window;
    expect(w.onTheirWay).toHaveLength(80);
    // Long after it was granted, a send still on its way fills the window.
    const stillOnTheirWay = takeFromWindow(w, 80, T0 + 5_000, 1);
    expect(stillOnTheirWay.granted).toBe(0);
    // Answered at T0 + 5,000: they count until a second later, and the wait says so.
    w = allAnswered(stillOnTheirWay.window, T0 + 5_000);
    const full = takeFromWindow(w, 80, T0 + 5_500, 1);
    expect(full).toMatchObject({ granted: 0, waitMs: 500 });
    expect(takeFromWindow(full.window, 80, T0 + 5_000 + WINDOW_MS, 200).granted).toBe(8);
  });

  it.each([
    [20, 7, 3],
    [80, 3, 3],
    [1000, 1, 3],
    [80, 20, 3],
    [80, 1, 40],
  ])('never lets Meta count more than the rate (%i/s) in any second, and keeps 97 percent of it when asked every %i ms with answers in %i ms', (rate, every, latency) => {
    const sends = drive(rate, 10_000, every, () => latency);
    expect(busiestSecond(sends.map((s) => s.answeredAt))).toBeLessThanOrEqual(rate);
    expect(busiestSecond(sends.map((s) => s.grantedAt))).toBeLessThanOrEqual(rate);
    expect(sends.length / 10).toBeGreaterThanOrEqual(0.97 * rate);
  });

  it('holds Meta’s count however the sends are bunched on their way: Meta may count each anywhere between its request and its answer', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      // Answers from 1 ms to 400 ms: a busy event loop, a queue at Meta, a slow connection.
      const sends = drive(80, 10_000, 1, () => 1 + next() * 400 * next());
      const countedAt = sends.map((s) => s.grantedAt + next() * (s.answeredAt - s.grantedAt));
      const bunched = sends.map((s, i) => (i % 2 === 0 ? s.answeredAt : s.grantedAt));
      expect(busiestSecond(countedAt)).toBeLessThanOrEqual(80);
      expect(busiestSecond(bunched)).toBeLessThanOrEqual(80);
      // What slow answers cost is the time they take, no more.
      expect(sends.length / 10).toBeGreaterThanOrEqual(0.85 * 80);
    }
  });

  it('looks again soon when the sends on their way fill the window on their own', () => {
    let w = freshWindow(T0);
    for (let i = 0; i < 10; i++) w = takeFromWindow(w, 2, T0 + i * 1_000, 2).window;
    const t = takeFromWindow(w, 2, T0 + 20_000, 1);
    expect(t.granted).toBe(0);
    expect(t.waitMs).toBeLessThanOrEqual(10);
  });

  it('counts sends answered “in the future” (a clock that moved backwards) against the window', () => {
    let ahead = freshWindow(T0);
    ahead = takeFromWindow(ahead, 2, T0, 1).window;
    ahead = takeFromWindow(ahead, 2, T0 + 500, 1).window;
    expect(ahead.onTheirWay).toHaveLength(2);
    ahead = allAnswered(ahead, T0 + 5_000);
    expect(takeFromWindow(ahead, 2, T0 + 4_000, 1).granted).toBe(0);
    expect(takeFromWindow(ahead, 2, T0 + 5_999, 1).granted).toBe(0);
    expect(takeFromWindow(ahead, 2, T0 + 6_000, 1).granted).toBe(1);
  });

  it('takes each answer off the send it answers, and ignores one whose send is not on its way', () => {
    let w = takeFromWindow(freshWindow(T0), 80, T0, 2).window;
    w = takeFromWindow(w, 80, T0 + 40, 2).window;
    w = answeredInWindow(w, [{ grantedAt: T0 + 40, answeredAt: T0 + 45 }, { grantedAt: T0 + 7, answeredAt: T0 + 46 }]);
    expect(w).toMatchObject({ onTheirWay: [T0, T0, T0 + 40], answered: [T0 + 45] });
  });

  it('forgets, after a while, the sends a stopped process left on their way, and only those', () => {
    let w = takeFromWindow(freshWindow(T0), 80, T0, 3).window;
    w = takeFromWindow(w, 80, T0 + 50_000, 1).window;
    expect(forgetSendsLostOnTheirWay(w, T0 + 50_000, 25_000).onTheirWay).toEqual([T0 + 50_000]);
    expect(forgetSendsLostOnTheirWay(w, T0 + 20_000, 25_000)).toBe(w);
  });

  it('lowers the rate in force by a fifth when Meta answers 130429', () => {
    let w = lowerWindowAfterThrottle(freshWindow(T0), T0);
    let granted = 0;
    for (let now = T0; now < T0 + 1000; now += 10) {
      const t = takeFromWindow(w, 80, now, 200);
      w = allAnswered(t.window, now);
      granted += t.granted;
    }
    expect(granted).toBeLessThanOrEqual(66);
    expect(granted).toBeGreaterThanOrEqual(58);
  });
});
