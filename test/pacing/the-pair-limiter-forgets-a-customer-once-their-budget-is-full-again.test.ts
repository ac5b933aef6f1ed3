import { describe, expect, it } from 'vitest';
import { PairLimiter } from '../../src/pacing/pair-limiter.ts';

const NUMBER = '100200300';
const customer = (i: number) => `1415${String(i).padStart(7, '0')}`;

describe('the pair limiter', () => {
  it('keeps a customer only while their pair budget is paying back a send', () => {
    // Meta's pair rate: a burst of 45, one message per 6 s paid back.
    const pairs = new PairLimiter({ burst: 45, perMinute: 10 });
    // A broadcast: one send to each of 10,000 customers over 10 s.
    for (let i = 0; i < 10_000; i++) expect(pairs.reserve(NUMBER, customer(i), i, 0)).toBe(0);
    // Each bucket is full again 6 s after its send: at 15 s the sends of the first 9 s are forgotten,
    // the 999 after them kept, with the new one.
    pairs.reserve(NUMBER, customer(20_000), 15_000, 0);
    expect(pairs.size).toBe(1_000);
    // Once everything has paid back, only the newest send is kept.
    pairs.reserve(NUMBER, customer(30_000), 40_000, 0);
    expect(pairs.size).toBe(1);
  });

  it('still limits a customer it keeps, and treats a forgotten one as a full budget', () => {
    const pairs = new PairLimiter({ burst: 2, perMinute: 10 });
    expect(pairs.reserve(NUMBER, customer(1), 0, 0)).toBe(0);
    expect(pairs.reserve(NUMBER, customer(1), 0, 0)).toBe(0);
    // The burst is spent: the next send waits for one message's payback (6 s).
    expect(pairs.reserve(NUMBER, customer(1), 0, 0)).toBe(6_000);
    // A sweep 5 s later must not forget a customer still in debt.
    pairs.reserve(NUMBER, customer(2), 5_000, 0);
    const wait = pairs.reserve(NUMBER, customer(1), 5_000, 0);
    expect(wait).toBeGreaterThanOrEqual(1_000);
    expect(wait).toBeLessThanOrEqual(1_001);
    // 12 s after the burst both tokens are back: the bucket is dropped, and the burst is whole again.
    pairs.reserve(NUMBER, customer(3), 12_000, 0);
    expect(pairs.size).toBe(1);
    expect(pairs.reserve(NUMBER, customer(1), 12_000, 0)).toBe(0);
    expect(pairs.reserve(NUMBER, customer(1), 12_000, 0)).toBe(0);
    expect(pairs.reserve(NUMBER, customer(1), 12_000, 0)).toBe(6_000);
  });

  it('gives a reservation back only to a customer it still keeps', () => {
    const pairs = new PairLimiter({ burst: 1, perMinute: 10 });
    expect(pairs.reserve(NUMBER, customer(1), 0, 0)).toBe(0);
    pairs.release(NUMBER, customer(1));
    expect(pairs.reserve(NUMBER, customer(1), 0, 0)).toBe(0);
    pairs.release(NUMBER, customer(9));
    expect(pairs.size).toBe(1);
  });
});
