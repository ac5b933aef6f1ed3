import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { DB } from '../../src/db/schema.ts';
import { type ClosureCommitter, closureCommitter } from '../helpers/closure-committer.ts';

/** Payloads that arrive together share a transaction, but no transaction grows past its limits. */
describe('group commit batches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-group-commit-'));
  let database: Database;
  beforeAll(async () => {
    database = connectDatabase(`sqlite:${join(dir, 'gc.db')}`);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Submits payloads of the given weights at once and returns which transaction each ran in. */
  const batchesOf = async (committer: ClosureCommitter, weights: number[]) => {
    const seen = new Map<Transaction<DB>, number>();
    const ids = await Promise.all(
      weights.map((w) =>
        committer.submit(async (trx) => {
          if (!seen.has(trx)) seen.set(trx, seen.size);
          return seen.get(trx) as number;
        }, w),
      ),
    );
    return ids;
  };

  it('closes a batch once its payloads weigh maxWeight', async () => {
    const committer = closureCommitter(database.db, { maxBatch: 256, maxWeight: 500, maxConcurrentBatches: 1 });
    expect(await batchesOf(committer, [200, 200, 200, 200, 200, 1])).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('never lets a failing payload take the others of its batch down, and keeps nothing of it', async () => {
    const committer = closureCommitter(database.db, { maxBatch: 256, maxWeight: 500, maxConcurrentBatches: 1 });
    const insert = (id: string, fail = false) =>
      committer.submit(async (trx) => {
        await trx.insertInto('projects').values({ id, name: id, created_at: 0 }).execute();
        if (fail) throw new Error(`payload ${id} is bad`);
        return id;
      });
    const results = await Promise.allSettled([insert('gc-a'), insert('gc-b', true), insert('gc-c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('payload gc-b is bad');
    const stored = await database.db.selectFrom('projects').select('id').where('id', 'like', 'gc-%').orderBy('id').execute();
    expect(stored.map((r) => r.id)).toEqual(['gc-a', 'gc-c']);
  });

  it('takes at most maxBatch payloads, and always at least one however heavy', async () => {
    const committer = closureCommitter(database.db, { maxBatch: 2, maxWeight: 500, maxConcurrentBatches: 1 });
    expect(await batchesOf(committer, [1, 1, 1, 5_000, 1])).toEqual([0, 0, 1, 1, 2]);
  });
});
