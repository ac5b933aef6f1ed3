import { type Compilable, CompiledQuery, type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { PREPARE_MARK } from './prepared-statements.ts';
import type { DB } from './schema.ts';
import { postgresReaderOf } from './postgres-reader.ts';
import { sqliteDirectOf } from './sqlite-direct.ts';
import { sqliteReaderOf } from './sqlite-reader.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A hot-path query written once as SQL with `?` placeholders and run on either dialect without
 * Kysely's build-and-compile step, which costs more than the query itself on the ingest and
 * GET-by-id paths. The text must use only syntax both dialects share (or be run on one dialect
 * only, as the PostgreSQL batch statements are, marked so); PostgreSQL gets `$n` placeholders.
 * Everything else goes through the query builder. Inside a group-commit transaction on SQLite the
 * statement runs directly on the connection (sqlite-direct.ts).
 */
export function rawQuery<Row>(text: string): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  return runRaw<Row>(text, postgresTextOf(text));
}

/** rawQuery with both dialects' texts given. */
function runRaw<Row>(sqlite: string, postgres: string): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  return async (db, parameters) => {
    const direct = sqliteDirectOf(db);
    if (direct) return direct<Row>(sqlite, parameters);
    const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
    const result = await db.executeQuery<Row>(CompiledQuery.raw(isPostgres ? postgres : sqlite, [...parameters]));
    return result.rows;
  };
}

/** `?` placeholders as `$n`, marked to run as a named prepared statement (db/prepared-statements.ts). */
function postgresTextOf(text: string): string {
  let n = 0;
  return PREPARE_MARK + text.replace(/\?/g, () => `$${++n}`);
}

/**
 * rawQuery for a read that needs only committed data and runs outside any transaction: on SQLite
 * it goes to the read-only connection (sqlite-reader.ts), without waiting for the writer; on
 * PostgreSQL to the pipelined reader (postgres-reader.ts), without waiting for the pool.
 */
export function rawRead<Row>(text: string): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  const postgres = postgresTextOf(text);
  const query = runRaw<Row>(text, postgres);
  return async (db, parameters) => {
    const read = sqliteReaderOf(db);
    if (read) return read<Row>(text, parameters);
    const readPostgres = postgresReaderOf(db);
    return readPostgres ? readPostgres<Row>(postgres, parameters) : query(db, parameters);
  };
}

/**
 * Runs a built read query that needs only committed data, outside any transaction: on PostgreSQL
 * through the pipelined reader (postgres-reader.ts), unnamed like every built query; elsewhere as
 * Kysely runs it.
 */
export async function executeRead<Row>(db: Db, query: Compilable<Row> & { execute(): Promise<Row[]> }): Promise<Row[]> {
  const read = postgresReaderOf(db);
  if (!read) return query.execute();
  const { sql, parameters } = query.compile();
  return read<Row>(sql, parameters, { prepared: false });
}
