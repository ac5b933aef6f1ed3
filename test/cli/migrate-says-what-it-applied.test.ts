import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

/** Every migration shipped, by name, in order: the file names of src/db/migrations. */
const allMigrations = readdirSync('src/db/migrations')
  .filter((f) => /^\d{4}-\d\d-\d\d-\d{3}-.+\.ts$/.test(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe.each(dialects)('switchboard migrate (%s)', { timeout: 90_000 }, (dialect) => {
  it('names every migration it applies to a new database, then says it is already up to date', () => {
    const env = { DATABASE_URL: isolatedDatabaseUrlFor(dialect, 'migrate-json'), LOG_LEVEL: 'warn' };
    expect(runCliJson<{ applied: string[] }>(['migrate'], env)).toEqual({ applied: allMigrations });
    expect(runCliJson<{ applied: string[] }>(['migrate'], env)).toEqual({ applied: [] });
  });

  it('prints the migrations it applied to a database an older release left, and their count', async () => {
    const url = isolatedDatabaseUrlFor(dialect, 'migrate-text');
    const older = allMigrations.at(-3) ?? '';
    const database = connectDatabase(url);
    try {
      await migrateToLatest(database, older);
    } finally {
      await database.close();
    }
    const pending = allMigrations.slice(-2);

    const first = runCli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'warn' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toBe(`applied ${pending.join(', ')} (2 migrations)\n`);

    const again = runCli(['migrate'], { DATABASE_URL: url, LOG_LEVEL: 'warn' });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('already up to date\n');
  });
});
