import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

/**
 * A serving process never checkpoints on its own connection (the commit that would, waits while
 * pages are copied, and so does every request behind it); a thread of its own does. Read back by
 * copying only the database file, without its WAL: what is in it was checkpointed.
 */
describe('SQLite background checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-checkpoint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A copy taken while the background thread is writing pages into the file can be torn (SQLite
  // answers "malformed"): that copy shows nothing checkpointed yet, and the next one is read.
  const rowsInFileAlone = (file: string) => {
    const copy = join(dir, `copy-${Math.random().toString(36).slice(2)}.db`);
    copyFileSync(file, copy);
    const db = new SQLite(copy, { readonly: true });
    try {
      const table = db.prepare("select 1 from sqlite_master where name = 'projects'").get();
      return table ? (db.prepare('select count(*) as n from projects').get() as { n: number }).n : 0;
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CORRUPT') return -1;
      throw err;
    } finally {
      db.close();
    }
  };

  it('moves committed pages into the database file from a background thread, with automatic checkpoints off', async () => {
    const file = join(dir, 'background.db');
    const database = connectDatabase(`sqlite:${file}`, { backgroundCheckpoints: true });
    await migrateToLatest(database);
    const rows = Array.from({ length: 2_000 }, (_, i) => ({ id: `p${i}`, name: `project ${i}`, created_at: i }));
    for (let i = 0; i < rows.length; i += 100) await database.db.insertInto('projects').values(rows.slice(i, i + 100)).execute();

    const until = Date.now() + 5_000;
    let checkpointed = rowsInFileAlone(file);
    while (checkpointed < rows.length && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      checkpointed = rowsInFileAlone(file);
    }
    expect(checkpointed).toBe(rows.length);
    await database.close();
    // The last connection closed: SQLite folds the WAL in and removes it.
    expect(existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0).toBe(0);
  });

  it('leaves a short-lived connection with SQLite’s automatic checkpoints', async () => {
    const file = join(dir, 'cli.db');
    const database = connectDatabase(`sqlite:${file}`);
    await migrateToLatest(database);
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
    expect(rows[0]?.wal_autocheckpoint).toBe(1000);
    await database.close();
  });
});
