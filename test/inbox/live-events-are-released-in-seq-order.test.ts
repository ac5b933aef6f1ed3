import { describe, expect, it } from 'vitest';
import { SeqWatermark } from '../../src/inbox/live/seq-watermark.ts';

const rows = (...seqs: number[]) => seqs.map((seq) => ({ seq }));
const seqsOf = (released: Array<{ seq: number }>) => released.map((r) => r.seq);

describe('the live reader releases outbox rows in seq order, without gaps or repeats', () => {
  it('releases contiguous rows at once and moves its watermark past them', () => {
    const w = new SeqWatermark(10, 1000);
    expect(seqsOf(w.take(rows(11, 12, 13), 0))).toEqual([11, 12, 13]);
    expect(w.settled).toBe(13);
  });

  it('holds a row back while a lower seq is still committing, then releases both in order', () => {
    const w = new SeqWatermark(10, 1000);
    expect(seqsOf(w.take(rows(11, 13, 14), 0))).toEqual([11]);
    expect(w.settled).toBe(11);
    // The reader asks again from the watermark: 13 and 14 are read twice, released once.
    expect(seqsOf(w.take(rows(13, 14), 100))).toEqual([]);
    expect(seqsOf(w.take(rows(12, 13, 14, 15), 200))).toEqual([12, 13, 14, 15]);
    expect(w.settled).toBe(15);
  });

  it('gives up a seq missing for the grace time (a rolled-back transaction) and goes on', () => {
    const w = new SeqWatermark(0, 1000);
    expect(seqsOf(w.take(rows(1, 3), 0))).toEqual([1]);
    expect(seqsOf(w.take(rows(3), 999))).toEqual([]);
    expect(seqsOf(w.take(rows(3, 4), 1000))).toEqual([3, 4]);
    // A row that commits after its seq was given up is never released out of order.
    expect(seqsOf(w.take(rows(2, 5), 1001))).toEqual([5]);
  });

  it('gives up a whole run of missing seqs after one grace time, not one each', () => {
    const w = new SeqWatermark(0, 1000);
    expect(seqsOf(w.take(rows(50), 0))).toEqual([]);
    expect(seqsOf(w.take(rows(50, 51), 1000))).toEqual([50, 51]);
  });

  it('counts the grace time from when the gap was first seen, not from the newest row', () => {
    const w = new SeqWatermark(0, 1000);
    w.take(rows(2), 0);
    expect(seqsOf(w.take(rows(2, 3), 900))).toEqual([]);
    expect(seqsOf(w.take(rows(2, 3), 1000))).toEqual([2, 3]);
  });

  it('never releases rows committed before the reader started, even those behind a gap, but releases the gap when it commits late', () => {
    const w = new SeqWatermark(10, 1000);
    // At start 11, 13 and 14 are committed and 12 is not (yet): all three are history.
    w.takeHistory(rows(11, 13, 14), 0);
    expect(w.settled).toBe(11);
    // 12 commits late: it is news; 13 and 14, read again, are not.
    expect(seqsOf(w.take(rows(12, 13, 14, 15), 100))).toEqual([12, 15]);
    expect(w.settled).toBe(15);
    // Had 12 rolled back, history behind it is still not released after the grace time.
    const v = new SeqWatermark(10, 1000);
    v.takeHistory(rows(11, 13), 0);
    expect(seqsOf(v.take(rows(13, 14), 1000))).toEqual([14]);
  });

  it('ignores rows at or below its watermark', () => {
    const w = new SeqWatermark(5, 1000);
    expect(seqsOf(w.take(rows(3, 5, 6), 0))).toEqual([6]);
  });
});
