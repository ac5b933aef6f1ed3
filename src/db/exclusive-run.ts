import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.ts';
import type { DB } from './schema.ts';

/**
 * Runs `work` unless another process of this database is running work of the same `name`, and
 * answers whether it ran. On PostgreSQL several `serve` processes share the database: a session
 * advisory lock, held on one pooled connection for the run (the work itself uses the pool), lets
 * exactly one of them run it; a process that dies releases it with its connection. SQLite has one
 * serving process per file (sqlite-lock.ts): the work just runs.
 */
export async function runExclusively(db: Kysely<DB>, name: string, work: () => Promise<void>): Promise<boolean> {
  if (!isPostgres(db)) {
    await work();
    return true;
  }
  return db.connection().execute(async (conn) => {
    // Advisory locks are the database's: the schema names this deployment.
    const key = sql`hashtextextended(${name} || ':' || current_schema(), 0)`;
    const { rows } = await sql<{ taken: boolean }>`select pg_try_advisory_lock(${key}) as taken`.execute(conn);
    if (rows[0]?.taken !== true) return false;
    try {
      await work();
      return true;
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn);
    }
  });
}
