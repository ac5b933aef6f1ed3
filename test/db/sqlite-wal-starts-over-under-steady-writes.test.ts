import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqliteCheckpointer } from '../../src/db/sqlite-checkpointer.ts';

/**
 * Under a steady stream of commits a PASSIVE checkpoint never lets the WAL start over: by the
 * time it has copied the frames it saw, newer ones are there. Past `restartFrames` the
 * checkpointer holds the writer for one last short pass, and the next commit starts the WAL
 * from its beginning, so the file stays bounded. Without that pass (restartFrames: Infinity),
 * the same writes grow the WAL the whole time.
 */
describe('SQLite WAL under steady writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-wal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const PAGE = 4096;
  const RESTART_FRAMES = 200;
  const BOUND = RESTART_FRAMES * 8 * (PAGE + 24);

  async function largestWalWhileWriting(name: string, restartFrames: number): Promise<{ largest: number; rows: number }> {
    const file = join(dir, `${name}.db`);
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma(`journal_size_limit = ${RESTART_FRAMES * PAGE}`);
    db.exec('create table t (id integer primary key, body text not null)');
    const insert = db.prepare('insert into t (body) values (?)');

    // The writer waits while the checkpointer holds it, as Kysely's one SQLite connection does.
    let held: Promise<unknown> | null = null;
    const checkpointer = startSqliteCheckpointer(file, {
      intervalMs: 20,
      restartFrames,
      catchUpFrames: 50,
      idleTicksBeforeShrink: Number.POSITIVE_INFINITY,
      shrinkAboveBytes: 0,
      holdWrites: (work) => {
        const done = work();
        held = done.finally(() => (held = null));
        return done;
      },
      onError: (message) => {
        throw new Error(message);
      },
    });

    let largest = 0;
    let rows = 0;
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      if (held) await held;
      insert.run('x'.repeat(300));
      rows++;
      if (rows % 10 === 0) {
        if (existsSync(`${file}-wal`)) largest = Math.max(largest, statSync(`${file}-wal`).size);
        // About 10,000 commits a second: steady, and light on the disk.
        await sleep(1);
      }
    }
    await checkpointer.stop();
    expect((db.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(rows);
    db.close();
    return { largest, rows };
  }

  it('starts the WAL over once it passes restartFrames, so the file stays bounded', async () => {
    const { largest, rows } = await largestWalWhileWriting('restarts', RESTART_FRAMES);
    // Each commit writes at least one frame; far more frames than the bound were written.
    expect(rows).toBeGreaterThan(RESTART_FRAMES * 10);
    expect(largest).toBeLessThan(BOUND);
  });

  it('lets the WAL grow with every commit when it is never made to start over', async () => {
    const { largest } = await largestWalWhileWriting('grows', Number.POSITIVE_INFINITY);
    expect(largest).toBeGreaterThan(BOUND);
  });
});
