import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { type CopyProgress, copySqliteStore, NotAStoreError, verifyBackup } from '../../src/db/sqlite-backup.ts';
import { dialects } from '../helpers/dialects.ts';

/**
 * The online copy reads one snapshot from its first step to its last. SQLite restarts a backup
 * whenever another connection commits between two steps; under steady ingest such a backup would
 * start over for ever. Here a commit lands between every two steps of the copy.
 */
describe.runIf(dialects.includes('sqlite'))('the SQLite online copy (sqlite)', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-copy-'));
    file = join(dir, 'switchboard.db');
    const database = connectDatabase(`sqlite:${file}`);
    await migrateToLatest(database);
    await database.close();
    const db = new SQLite(file);
    db.exec('create table test_rows (n integer primary key, padding blob)');
    const insert = db.prepare('insert into test_rows (padding) values (randomblob(4000))');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run();
    })();
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the snapshot it began with, without restarting, while another connection commits between its steps', async () => {
    const writer = new SQLite(file);
    writer.pragma('busy_timeout = 5000');
    const insert = writer.prepare('insert into test_rows (padding) values (randomblob(4000))');
    const progress: CopyProgress[] = [];
    try {
      const copy = await copySqliteStore(file, join(dir, 'copy.db'), (p) => {
        progress.push(p);
        insert.run();
      });
      expect(progress.length).toBeGreaterThan(3);
      for (let i = 1; i < progress.length; i++) expect(progress[i]?.copiedPages).toBeGreaterThan(progress[i - 1]?.copiedPages ?? 0);
      const copied = new SQLite(join(dir, 'copy.db'), { readonly: true });
      expect(copied.prepare('select count(*) from test_rows').pluck().get()).toBe(5000);
      expect(copied.pragma('journal_mode', { simple: true })).toBe('delete');
      copied.close();
      expect(writer.prepare('select count(*) from test_rows').pluck().get()).toBe(5000 + progress.length);
      expect(copy.migrations.length).toBeGreaterThan(0);
      expect(verifyBackup(join(dir, 'copy.db')).bytes).toBe(copy.bytes);
    } finally {
      writer.close();
    }
  });

  it('refuses a SQLite database that is not a Switchboard store, leaving no file behind', async () => {
    const other = join(dir, 'other.db');
    new SQLite(other).exec('create table t (x)');
    await expect(copySqliteStore(other, join(dir, 'other-copy.db'), () => undefined)).rejects.toThrow(NotAStoreError);
    expect(readdirSync(dir).filter((name) => name.startsWith('other-copy'))).toEqual([]);
    expect(() => verifyBackup(other)).toThrow(/without Switchboard's migrations table/);
  });
});
