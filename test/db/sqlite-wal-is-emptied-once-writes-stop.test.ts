import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqliteCheckpointer } from '../../src/db/sqlite-checkpointer.ts';
import { waitFor } from '../helpers/wait-for.ts';

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

  function startCheckpointer(file: string, idleTicksBeforeShrink: number, holdWrites: <T>(work: () => Promise<T>) => Promise<T> = (work) => work()) {
    return startSqliteCheckpointer(file, {
      intervalMs: 20,
      restartFrames: Number.POSITIVE_INFINITY,
      catchUpFrames: 50,
      idleTicksBeforeShrink,
      shrinkAboveBytes: 64 * 1024,
      holdWrites,
      onError: (message) => {
        throw new Error(message);
      },
    });
  }

  const walSize = (file: string) => statSync(`${file}-wal`).size;
  const rowsIn = (db: SQLite.Database) => (db.prepare('select count(*) as n from t').get() as { n: number }).n;

  it('empties a WAL file larger than shrinkAboveBytes after the quiet ticks', async () => {
    const { file, db, written } = writtenDatabase('shrinks');
    const checkpointer = startCheckpointer(file, 5);
    await waitFor('the WAL is emptied', () => walSize(file) === 0);
    await checkpointer.stop();
    expect(written).toBeGreaterThan(64 * 1024);
    expect(rowsIn(db)).toBe(500);
    db.close();
  });

  it('gives up within a moment while a reader still uses the WAL, and empties it once the reader is done', async () => {
    const { file, db, written } = writtenDatabase('reader');
    // A long read (a backup, a slow report) that started while the WAL held uncopied frames.
    const reader = new SQLite(file, { readonly: true });
    reader.prepare('begin').run();
    reader.prepare('select count(*) from t').get();

    const holds: number[] = [];
    const checkpointer = startCheckpointer(file, 5, async (work) => {
      const started = performance.now();
      try {
        return await work();
      } finally {
        holds.push(performance.now() - started);
      }
    });
    // Each hold is one attempt to empty the file: two of them have given up while the reader reads.
    await waitFor('two attempts to empty the WAL', () => holds.length >= 2);
    const whileReading = walSize(file);
    reader.prepare('commit').run();
    await waitFor('the WAL is emptied once the reader is done', () => walSize(file) === 0);
    await checkpointer.stop();
    reader.close();
    db.close();

    expect(whileReading).toBe(written);
    // Writes were held for the 100 ms the truncation waits, not for as long as the reader read.
    expect(Math.max(...holds)).toBeLessThan(1_000);
  });

  it('keeps the file as it is while the quiet ticks have not passed', async () => {
    const kept = writtenDatabase('keeps');
    // A control on the same interval that shrinks after 5 quiet ticks: once it has, as many ticks
    // have passed for the one that never does.
    const control = writtenDatabase('keeps-control');
    const keeping = startCheckpointer(kept.file, Number.POSITIVE_INFINITY);
    const shrinking = startCheckpointer(control.file, 5);
    await waitFor('the control WAL is emptied', () => walSize(control.file) === 0);
    const after = walSize(kept.file);
    await Promise.all([keeping.stop(), shrinking.stop()]);
    expect(after).toBe(kept.written);
    expect(rowsIn(kept.db)).toBe(500);
    kept.db.close();
    control.db.close();
  });
});
