import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqliteCheckpointer } from '../../src/db/sqlite-checkpointer.ts';

/**
 * Under load the WAL file keeps its size when it starts over (overwriting is cheaper than growing,
 * and no commit pays for cutting a gigabyte back). Once writes stop, the checkpointer gives the
 * disk back: after `idleTicksBeforeShrink` quiet ticks, a file larger than `shrinkAboveBytes` is
 * emptied, with every row still there.
 */
describe('SQLite WAL once writes stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-wal-idle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A database with 500 rows written and none of them checkpointed yet; `written` is its WAL's size. */
  function writtenDatabase(name: string): { file: string; db: SQLite.Database; written: number } {
    const file = join(dir, `${name}.db`);
    const db = new SQLite(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('journal_size_limit = -1');
    db.exec('create table t (id integer primary key, body text not null)');
    const insert = db.prepare('insert into t (body) values (?)');
    for (let i = 0; i < 500; i++) insert.run('x'.repeat(300));
    return { file, db, written: statSync(`${file}-wal`).size };
  }

  async function walAfterQuiet(name: string, idleTicksBeforeShrink: number): Promise<{ written: number; after: number }> {
    const { file, db, written } = writtenDatabase(name);
    const checkpointer = startSqliteCheckpointer(file, {
      intervalMs: 20,
      restartFrames: Number.POSITIVE_INFINITY,
      catchUpFrames: 50,
      idleTicksBeforeShrink,
      shrinkAboveBytes: 64 * 1024,
      holdWrites: (work) => work(),
      onError: (message) => {
        throw new Error(message);
      },
    });
    await sleep(1_000); // 50 ticks: five quiet ones come long before, even on a loaded machine
    const after = statSync(`${file}-wal`).size;
    await checkpointer.stop();
    expect((db.prepare('select count(*) as n from t').get() as { n: number }).n).toBe(500);
    db.close();
    return { written, after };
  }

  it('empties a WAL file larger than shrinkAboveBytes after the quiet ticks', async () => {
    const { written, after } = await walAfterQuiet('shrinks', 5);
    expect(written).toBeGreaterThan(64 * 1024);
    expect(after).toBe(0);
  });

  it('gives up within a moment while a reader still uses the WAL, and empties it once the reader is done', async () => {
    const { file, db, written } = writtenDatabase('reader');
    // A long read (a backup, a slow report) that started while the WAL held uncopied frames.
    const reader = new SQLite(file, { readonly: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from t').get();

    const holds: number[] = [];
    const checkpointer = startSqliteCheckpointer(file, {
      intervalMs: 20,
      restartFrames: Number.POSITIVE_INFINITY,
      catchUpFrames: 50,
      idleTicksBeforeShrink: 5,
      shrinkAboveBytes: 64 * 1024,
      holdWrites: async (work) => {
        const started = performance.now();
        try {
          return await work();
        } finally {
          holds.push(performance.now() - started);
        }
      },
      onError: (message) => {
        throw new Error(message);
      },
    });
    await sleep(1_500);
    const whileReading = statSync(`${file}-wal`).size;
    reader.prepare('commit').run();
    await sleep(1_000);
    const after = statSync(`${file}-wal`).size;
    await checkpointer.stop();
    reader.close();
    db.close();

    expect(whileReading).toBe(written);
    // Writes were held for the 100 ms the truncation waits, not for as long as the reader read.
    expect(holds.length).toBeGreaterThan(1);
    expect(Math.max(...holds)).toBeLessThan(1_000);
    expect(after).toBe(0);
  });

  it('keeps the file as it is while the quiet ticks have not passed', async () => {
    const { written, after } = await walAfterQuiet('keeps', Number.POSITIVE_INFINITY);
    expect(after).toBe(written);
  });
});
