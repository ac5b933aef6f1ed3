/**
 * Writes items many per transaction (group commit): the items that arrive while one batch is
 * being written are written together by the next, so a busy worker pays one commit per handful
 * of outcomes rather than one per outcome. Each caller's promise settles once the batch holding
 * its item is written (`write` resolved: its transaction committed), or rejects with the
 * batch's error. Used by the outbox's attempt recorder and the broadcast worker's send recorder.
 */
export class GroupCommit<T> {
  private queue: Array<{ item: T; done: () => void; failed: (err: unknown) => void }> = [];
  private flushing: Promise<void> | null = null;

  constructor(
    /** Writes one batch: its transaction, then whatever must follow the commit. */
    private readonly write: (batch: readonly T[]) => Promise<void>,
    private readonly maxBatch = 200,
    /**
     * How long the first item of a batch waits for others (0: the rest of its event-loop turn).
     * A commit has a fixed cost (the pages every transaction dirties), which a busy writer pays
     * once per batch.
     */
    private readonly gatherMs = 0,
  ) {}

  /** Queues an item; resolves when it is written. */
  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, done: resolve, failed: reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // Let items that complete in this turn of the event loop (or within gatherMs) join the batch.
      await new Promise((resolve) => (this.gatherMs > 0 ? setTimeout(resolve, this.gatherMs) : setImmediate(resolve)));
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((w) => w.item));
        for (const w of batch) w.done();
      } catch (err) {
        for (const w of batch) w.failed(err);
      }
    }
    this.flushing = null;
  }
}
