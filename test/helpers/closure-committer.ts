import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { GroupCommitter } from '../../src/ingest/group-commit.ts';

type Work = (trx: Transaction<DB>) => Promise<unknown>;

/** A group committer whose payloads are closures, each run in turn in the shared transaction. */
export interface ClosureCommitter {
  submit<T>(work: (trx: Transaction<DB>) => Promise<T>, weight?: number): Promise<T>;
}

/** Batch work that runs each payload's own closure in turn, in the shared transaction. */
async function runEach(trx: Transaction<DB>, works: Work[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for (const work of works) values.push(await work(trx));
  return values;
}

export function closureCommitter(db: Kysely<DB>, opts: { maxBatch: number; maxWeight: number; maxConcurrentBatches: number }): ClosureCommitter {
  const committer = new GroupCommitter<Work, unknown>(db, runEach, opts);
  return { submit: <T>(work: (trx: Transaction<DB>) => Promise<T>, weight?: number) => committer.submit(work, weight) as Promise<T> };
}
