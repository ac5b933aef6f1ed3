import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { withDirectStatements } from '../db/executor.ts';
import { isStoreUnavailable } from '../db/unavailable.ts';

/** Runs a batch of inputs in one transaction; returns one output per input, in order. */
export type BatchWork<In, Out> = (trx: Transaction<DB>, inputs: In[]) => Promise<Out[]>;

interface Pending<In, Out> {
  input: In;
  weight: number;
  resolve: (value: Out) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: the webhook payloads that arrive in the same event-loop turn share one
 * transaction, which more than doubles ingest throughput on SQLite (perf-ceilings.md). The batch
 * is handed to `work` whole, so it can store the payloads' messages with a few statements rather
 * than a few per message (on PostgreSQL every statement is a round trip). A payload that fails
 * never takes the others down: the batch is then re-run payload by payload (see runBatch). Every
 * caller's promise settles only after its COMMIT, so Meta is answered 200 only for what is
 * durably stored.
 */
export class GroupCommitter<In, Out> {
  private queue: Array<Pending<In, Out>> = [];
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly work: BatchWork<In, Out>,
    /**
     * `maxWeight`: a batch closes once its payloads weigh this much (a payload weighs its
     * messages and statuses), so a burst of large payloads is committed in several transactions
     * of bounded length rather than one that makes every request wait for all of them.
     * `onCommit`: told the number of payloads of each committed transaction (the batch-size metric).
     */
    private readonly opts: { maxBatch: number; maxWeight: number; maxConcurrentBatches: number; onCommit?: (payloads: number) => void },
  ) {}

  /** Stores `input` in the next shared transaction and resolves with its output after commit. */
  submit(input: In, weight = 1): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, weight, resolve, reject });
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
      weight += (this.queue[n] as Pending<In, Out>).weight;
      n++;
      if (weight >= this.opts.maxWeight) break;
    }
    return n;
  }

  /**
   * Runs the batch in one transaction, optimistically without savepoints. Should any payload
   * fail, the whole transaction is rolled back (nothing of it was committed, and on PostgreSQL
   * the transaction is unusable anyway) and every payload of the batch runs again in a
   * transaction of its own, so the failing one fails alone; unless the store itself is
   * unavailable, which fails them all at once.
   */
  private async runBatch(batch: Array<Pending<In, Out>>): Promise<void> {
    let values: Out[];
    try {
      values = await this.inTransaction(batch.map((item) => item.input));
    } catch (err) {
      // The store down is no payload's fault: re-running each alone would only make every
      // request of the batch wait for one failed connection after another.
      if (batch.length === 1 || isStoreUnavailable(err)) return void batch.forEach((item) => item.reject(err));
      for (const item of batch) await this.runAlone(item);
      return;
    }
    batch.forEach((item, i) => item.resolve(values[i] as Out));
  }

  private async runAlone(item: Pending<In, Out>): Promise<void> {
    try {
      const [value] = await this.inTransaction([item.input]);
      item.resolve(value as Out);
    } catch (err) {
      item.reject(err);
    }
  }

  private async inTransaction(inputs: In[]): Promise<Out[]> {
    const trx = await this.db.startTransaction().execute();
    try {
      const values = await withDirectStatements(this.db, trx, () => this.work(trx, inputs));
      if (values.length !== inputs.length) throw new Error(`batch work returned ${values.length} results for ${inputs.length} inputs`);
      await trx.commit().execute();
      this.opts.onCommit?.(inputs.length);
      return values;
    } catch (err) {
      await trx.rollback().execute().catch(() => {});
      throw err;
    }
  }
}
