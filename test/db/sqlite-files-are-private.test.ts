import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the SQLite files (sqlite)', () => {
  it('are created owner-only: the data folder 0700, the database, -wal and -shm 0600', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-modes-')), 'data');
    const file = join(dataDir, 'switchboard.db');
    const database = connectDatabase(`sqlite:${file}`, { backgroundCheckpoints: true });
    await migrateToLatest(database);
    expect(modeOf(dataDir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path).toString(8), path).toBe('600');
    await database.close();
  });

  it('tightens a database an older version left world-readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-modes-old-'));
    const file = join(dir, 'switchboard.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    const database = connectDatabase(`sqlite:${file}`);
    await migrateToLatest(database);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path).toString(8), path).toBe('600');
    await database.close();
  });
});
