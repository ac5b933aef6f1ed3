import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { rawQuery } from '../../src/db/executor.ts';
import { runsDirectly } from '../../src/db/executor.ts';
import { type ClosureCommitter, closureCommitter } from '../helpers/closure-committer.ts';

const insertProject = rawQuery('insert into projects (id, name, created_at) values (?, ?, 0)');

/**
 * On SQLite the precompiled statements of a group-commit transaction run on the connection
 * directly, past Kysely's executor: inside that transaction, in order with the builder's queries,
 * committed and rolled back with it, and never outside it.
 */
describe('direct statements in group-commit transactions (sqlite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-direct-'));
  let database: Database;
  let committer: ClosureCommitter;
  beforeAll(async () => {
    database = connectDatabase(`sqlite:${join(dir, 'direct.db')}`);
    await migrateToLatest(database);
    committer = closureCommitter(database.db, { maxBatch: 256, maxWeight: 500, maxConcurrentBatches: 1 });
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const projectIds = async (prefix: string) =>
    (await database.db.selectFrom('projects').select('id').where('id', 'like', `${prefix}%`).orderBy('id').execute()).map((r) => r.id);

  it('runs them inside the batch transaction, seen by the query builder in the same transaction', async () => {
    const seen = await committer.submit(async (trx) => {
      expect(runsDirectly(trx)).toBe(true);
      await insertProject(trx, ['direct-a', 'a']);
      return (await trx.selectFrom('projects').select('id').where('id', '=', 'direct-a').execute()).length;
    });
    expect(seen).toBe(1);
    expect(await projectIds('direct-a')).toEqual(['direct-a']);
  });

  it('rolls them back with a failing batch; the other payloads are stored once each', async () => {
    const submit = (id: string, fail = false) =>
      committer.submit(async (trx) => {
        await insertProject(trx, [id, id]);
        if (fail) throw new Error(`${id} fails`);
        return id;
      });
    const results = await Promise.allSettled([submit('direct-r1'), submit('direct-r2', true), submit('direct-r3')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await projectIds('direct-r')).toEqual(['direct-r1', 'direct-r3']);
  });

  it('never runs them directly outside a batch: a finished batch and other transactions go through Kysely', async () => {
    const finished = await committer.submit(async (trx) => trx);
    expect(runsDirectly(finished)).toBe(false);
    await database.db.transaction().execute(async (trx) => {
      expect(runsDirectly(trx)).toBe(false);
      await insertProject(trx, ['direct-k', 'k']);
    });
    expect(runsDirectly(database.db)).toBe(false);
    expect(await projectIds('direct-k')).toEqual(['direct-k']);
  });
});
