import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as init from './migrations/2026-11-25-001-init.ts';

/** Every migration, in order. Listed statically so the set shipped with a build is exact. */
const migrations: Record<string, Migration> = {
  '2026-11-25-001-init': init,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Brings the schema up to date. Kysely's migrator takes a lock (a row lock on PostgreSQL, the
 * write lock on SQLite), so concurrent starts run each migration once and the loser waits.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
