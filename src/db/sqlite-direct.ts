import type { Kysely, Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Runs SQL synchronously on SQLite's writing connection, past Kysely's executor. Through Kysely
 * each statement of the ingest transaction costs a chain of promises (connection provider,
 * plugins, result transform) that, for a point insert, costs more than the insert itself.
 * Safe only while the caller's transaction holds the writing connection: Kysely then lets no
 * other query onto it, so a direct statement runs inside that transaction, in order.
 */
export type SqliteRun = <Row>(sql: string, parameters: readonly unknown[]) => Row[];

const writers = new WeakMap<object, SqliteRun>();
const transactions = new WeakMap<object, SqliteRun>();

/** Binds the writing connection's runner to the root Kysely instance of a SQLite database. */
export function attachSqliteWriter(db: Kysely<DB>, run: SqliteRun): void {
  writers.set(db, run);
}

/**
 * Runs `work` in a transaction of `db` in which rawQuery statements go straight to the SQLite
 * connection (PostgreSQL, or a database without a writer attached: a plain Kysely transaction).
 * `trx` is a transaction Kysely started and holds; the caller commits or rolls it back.
 */
export async function withDirectStatements<T>(db: Kysely<DB>, trx: Transaction<DB>, work: () => Promise<T>): Promise<T> {
  const run = writers.get(db);
  if (!run) return work();
  transactions.set(trx, run);
  try {
    return await work();
  } finally {
    transactions.delete(trx);
  }
}

/** The direct runner for statements of this transaction, if it has one. */
export function sqliteDirectOf(db: object): SqliteRun | undefined {
  return transactions.get(db);
}
