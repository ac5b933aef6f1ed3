/**
 * Reading an append-only table by a serial `seq` without missing a row (pure). On PostgreSQL a
 * sequence hands out numbers when rows are inserted, not when they commit: a reader can see 103
 * while 102 is still uncommitted, and one that moved past 103 would never see 102. On SQLite the
 * single writer commits in order and this changes nothing.
 *
 * So rows are released strictly in seq order: a row waits while a lower seq is missing, until
 * that seq shows up or has been missing for `graceMs` (its transaction rolled back: a number that
 * will never commit). `settled` is the highest seq below which every row was released or given
 * up; the reader asks again for everything above it, so a late row is seen on the next read and
 * rows read twice are released once.
 */
export class SeqWatermark<R extends { seq: number }> {
  /**
   * Rows read above `settled` and not released yet, with when each was first read; `history`
   * rows (already committed when the reader started) advance `settled` but are never released.
   */
  private readonly waiting = new Map<number, { row: R; readAt: number; history: boolean }>();

  constructor(
    private settledSeq: number,
    private readonly graceMs: number,
  ) {}

  /** Every seq up to this one has been released or given up. */
  get settled(): number {
    return this.settledSeq;
  }

  /** Takes rows read above `settled` (any order, repeats allowed); returns those released now, in seq order. */
  take(rows: readonly R[], now: number): R[] {
    return this.add(rows, now, false);
  }

  /**
   * Takes rows that were committed before the reader started: they are history, not news, and are
   * never released, even those that wait behind a missing lower seq (which, if it commits late,
   * is released as news in its turn).
   */
  takeHistory(rows: readonly R[], now: number): void {
    this.add(rows, now, true);
  }

  private add(rows: readonly R[], now: number, history: boolean): R[] {
    for (const row of rows) {
      if (row.seq > this.settledSeq && !this.waiting.has(row.seq)) this.waiting.set(row.seq, { row, readAt: now, history });
    }
    const released: R[] = [];
    while (this.waiting.size > 0) {
      const next = this.settledSeq + 1;
      const found = this.waiting.get(next);
      if (found) {
        if (!found.history) released.push(found.row);
        this.waiting.delete(next);
      } else if (now - this.missingSince() < this.graceMs) {
        break;
      }
      // Released, or missing past the grace time: a seq whose transaction will never commit.
      this.settledSeq = next;
    }
    return released;
  }

  /**
   * When the lowest missing seq was first known to be missing: when the earliest row still
   * waiting above it was read. Every missing seq below that row is as old, so a run of them
   * (a rolled-back batch) is given up at once, not one grace time each.
   */
  private missingSince(): number {
    let since = Number.POSITIVE_INFINITY;
    for (const { readAt } of this.waiting.values()) since = Math.min(since, readAt);
    return since;
  }
}
