import { type Compilable, CompiledQuery, type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import { PREPARE_MARK } from './prepared-statements.ts';
import type { DB } from './schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The one place SQL runs outside Kysely's query builder. Each database registers here, once, at
 * connect time (db/connect.ts), the connections it has beside Kysely's:
 * - `direct` (SQLite): the writing connection, run synchronously. Through Kysely each statement
 *   of the ingest transaction costs a chain of promises (connection provider, plugins, result
 *   transform) that, for a point insert, costs more than the insert itself. It is used only
 *   inside a transaction opened by withDirectStatements, which holds that connection: Kysely then
 *   lets no other query onto it, so a direct statement runs inside that transaction, in order.
 * - `reader`: a connection for reads that need only committed data, outside transactions
 *   (db/sqlite-reader-thread.ts, db/postgres-reader.ts), so that they wait neither for the writer nor for
 *   the pool.
 * Everything else (and every query of a database that registered nothing) goes through Kysely.
 */
export type DirectRun = <Row>(sql: string, parameters: readonly unknown[]) => Row[];

export interface CommittedReader {
  /**
   * `prepared`: run as a named statement where the dialect has them (the hand-written point
   * queries; built queries stay unnamed and are planned for their values, see
   * prepared-statements.ts).
   */
  read<Row>(text: string, parameters: readonly unknown[], opts: { prepared: boolean }): Promise<Row[]>;
  close(): void | Promise<void>;
}

interface Executor {
  /** Placeholders as `$n` (PostgreSQL) rather than `?` (SQLite). */
  numbered: boolean;
  direct?: DirectRun;
  reader?: CommittedReader;
}

const executors = new WeakMap<object, Executor>();
/** Transactions of withDirectStatements, each with the executor whose `direct` it may use. */
const directTransactions = new WeakMap<object, Executor>();

/** Registers the connections of the root Kysely instance of a database; returns its closer. */
export function attachExecutor(db: Kysely<DB>, executor: Executor): () => Promise<void> {
  executors.set(db, executor);
  return async () => {
    executors.delete(db);
    await executor.reader?.close();
  };
}

/**
 * Runs `work` in a transaction of `db` in which rawQuery statements go straight to SQLite's
 * writing connection (on a database without one, a plain Kysely transaction). `trx` is a
 * transaction Kysely started and holds; the caller commits or rolls it back.
 */
export async function withDirectStatements<T>(db: Kysely<DB>, trx: Transaction<DB>, work: () => Promise<T>): Promise<T> {
  const executor = executors.get(db);
  if (!executor?.direct) return work();
  directTransactions.set(trx, executor);
  try {
    return await work();
  } finally {
    directTransactions.delete(trx);
  }
}

/**
 * A transaction of `db` whose rawQuery statements run straight on SQLite's writing connection
 * (withDirectStatements), committed when `work` resolves and rolled back when it throws; on a
 * database without a direct connection, a plain Kysely transaction.
 */
export function directTransaction<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute((trx) => withDirectStatements(db, trx, () => work(trx)));
}

/** Whether statements of this handle run directly on SQLite's writing connection (tests ask). */
export function runsDirectly(db: object): boolean {
  return directTransactions.has(db);
}

/** The committed-data reader of a root instance; undefined for a transaction (tests ask). */
export function committedReaderOf(db: object): CommittedReader | undefined {
  return executors.get(db)?.reader;
}

/**
 * A hot-path query written once as SQL with `?` placeholders and run on either dialect without
 * Kysely's build-and-compile step, which costs more than the query itself on the ingest and
 * GET-by-id paths. The text must use only syntax both dialects share (or be run on one dialect
 * only, as the db/postgres statements are). PostgreSQL gets `$n` placeholders and runs it as a
 * named prepared statement.
 */
export function rawQuery<Row>(text: string): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  const numbered = numberedTextOf(text);
  return async (db, parameters) => {
    const direct = directTransactions.get(db)?.direct;
    if (direct) return direct<Row>(text, parameters);
    const result = await db.executeQuery<Row>(CompiledQuery.raw(isNumbered(db) ? PREPARE_MARK + numbered : text, [...parameters]));
    return result.rows;
  };
}

/**
 * rawQuery for a read that needs only committed data and runs outside any transaction: through
 * the database's reader when it has one.
 */
export function rawRead<Row>(text: string): (db: Db, parameters: readonly unknown[]) => Promise<Row[]> {
  const numbered = numberedTextOf(text);
  const query = rawQuery<Row>(text);
  return async (db, parameters) => {
    const executor = executors.get(db);
    if (!executor?.reader) return query(db, parameters);
    return executor.reader.read<Row>(executor.numbered ? numbered : text, parameters, { prepared: true });
  };
}

/**
 * Runs a built read query that needs only committed data, outside any transaction, through the
 * database's reader when it has one (unnamed, as every built query runs); else as Kysely runs it.
 */
export async function executeRead<Row>(db: Db, query: Compilable<Row> & { execute(): Promise<Row[]> }): Promise<Row[]> {
  const reader = executors.get(db)?.reader;
  if (!reader) return query.execute();
  const { sql, parameters } = query.compile();
  return reader.read<Row>(sql, parameters, { prepared: false });
}

/** `?` placeholders as `$n`. */
function numberedTextOf(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** Transactions are not registered (only their roots are): the adapter tells their placeholders. */
function isNumbered(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
