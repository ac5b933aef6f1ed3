import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { closureCommitter } from '../helpers/closure-committer.ts';

/**
 * A batch whose transaction fails because the store is unavailable fails every payload at once:
 * run again one by one, each would wait for the store on its own (10 s each for a PostgreSQL that
 * does not answer), and the last request of a batch of 256 would wait for all of them.
 */
describe('group commit during a store outage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-outage-batch-'));
  let database: Database;
  beforeAll(async () => {
    database = connectDatabase(`sqlite:${join(dir, 'gc.db')}`);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects the whole batch with the outage, running no payload a second time', async () => {
    const committer = closureCommitter(database.db, { maxBatch: 256, maxWeight: 500, maxConcurrentBatches: 1 });
    let runs = 0;
    const outage = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        committer.submit(async () => {
          runs++;
          throw outage;
        }),
      ),
    );
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as { code?: string }).code : r.status))).toEqual(Array(5).fill('SQLITE_FULL'));
    expect(runs).toBe(1);
  });

  it('still runs the payloads of a batch alone when one of them is bad', async () => {
    const committer = closureCommitter(database.db, { maxBatch: 256, maxWeight: 500, maxConcurrentBatches: 1 });
    const results = await Promise.allSettled(
      ['a', 'bad', 'c'].map((id) =>
        committer.submit(async () => {
          if (id === 'bad') throw new Error('a bad payload');
          return id;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
