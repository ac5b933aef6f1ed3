/**
 * A number's throughput as Meta counts it (meta-cloud-api.md §5.1): messages per second over a
 * sliding second, not a bucket that refills. A send is accepted while fewer than `limit` sends
 * were accepted in the 1000 ms before it.
 *
 * Only the times of the last `limit` accepted sends matter: the window is full exactly when the
 * oldest of them is less than a second old. So the window is a ring of `limit` timestamps, one
 * comparison and one write per send, whatever the rate (1,000 mps is an 8 KB ring).
 */
export class ThroughputWindow {
  private readonly acceptedAtMs: Float64Array;
  private next = 0;

  constructor(readonly limit: number) {
    this.acceptedAtMs = new Float64Array(Math.max(1, limit)).fill(Number.NEGATIVE_INFINITY);
  }

  /**
   * Whether a send at `nowMs` fits. A clock that went backwards finds no room until it is a
   * second past the oldest send counted.
   */
  hasRoom(nowMs: number): boolean {
    return this.limit > 0 && nowMs - (this.acceptedAtMs[this.next] as number) >= 1000;
  }

  /** Counts an accepted send at `nowMs` (after `hasRoom` said yes). */
  record(nowMs: number): void {
    this.acceptedAtMs[this.next] = nowMs;
    this.next = (this.next + 1) % this.acceptedAtMs.length;
  }

  /** Sends accepted in the 1000 ms before `nowMs`. */
  countAt(nowMs: number): number {
    let count = 0;
    for (const at of this.acceptedAtMs) if (nowMs - at < 1000) count++;
    return count;
  }
}
