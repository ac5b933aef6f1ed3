import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withDirectStatements } from '../db/sqlite-direct.ts';

type Work<T> = (trx: Transaction<DB>) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  weight: number;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: the webhook payloads that arrive in the same event-loop turn share one
 * transaction, which more than doubles ingest throughput on SQLite (perf-ceilings.md). A payload
 * that fails never takes the others down: the batch is then re-run payload by payload (see
 * runBatch). Every caller's promise settles only after its COMMIT, so Meta is answered 200 only
 * for what is durably stored.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<DB>,
    /**
     * `maxWeight`: a batch closes once its payloads weigh this much (a payload weighs its
     * messages and statuses), so a burst of large payloads is committed in several transactions
     * of bounded length rather than one that makes every request wait for all of them.
     */
    private readonly opts: { maxBatch: number; maxWeight: number; maxConcurrentBatches: number },
  ) {}

  /** Runs `work` in the next shared transaction and resolves with its result after commit. */
  submit<T>(work: Work<T>, weight = 1): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, weight, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.opts.maxConcurrentBatches || this.queue.length === 0) return;
    this.scheduled = true;
    // setImmediate lets every request parsed in this turn of the loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.batchLength());
      if (batch.length === 0) return;
      this.running++;
      void this.runBatch(batch).finally(() => {
        this.running--;
        this.schedule();
      });
      this.schedule();
    });
  }

  /** How many queued payloads the next batch takes: at least one, within both limits. */
  private batchLength(): number {
    let weight = 0;
    let n = 0;
    while (n < this.queue.length && n < this.opts.maxBatch) {
      weight += (this.queue[n] as Pending).weight;
      n++;
      if (weight >= this.opts.maxWeight) break;
    }
    return n;
  }

  /**
   * Runs the batch in one transaction, optimistically without savepoints (two statements fewer
   * per payload). Should any payload fail, the whole transaction is rolled back (nothing of it was
   * committed, and on PostgreSQL the transaction is unusable anyway) and every payload of the
   * batch runs again in a transaction of its own, so the failing one fails alone.
   */
  private async runBatch(batch: Pending[]): Promise<void> {
    const values: unknown[] = [];
    try {
      const trx = await this.db.startTransaction().execute();
      try {
        await withDirectStatements(this.db, trx, async () => {
          for (const item of batch) values.push(await item.work(trx));
        });
        await trx.commit().execute();
      } catch (err) {
        await trx.rollback().execute().catch(() => {});
        throw err;
      }
    } catch (err) {
      if (batch.length === 1) return void batch[0]?.reject(err);
      for (const item of batch) await this.runAlone(item);
      return;
    }
    batch.forEach((item, i) => item.resolve(values[i]));
  }

  private async runAlone(item: Pending): Promise<void> {
    try {
      item.resolve(await this.db.transaction().execute((trx) => item.work(trx)));
    } catch (err) {
      item.reject(err);
    }
  }
}
