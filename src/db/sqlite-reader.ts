import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { tuneSqliteReads } from './sqlite-read-tuning.ts';

/**
 * A second, read-only SQLite connection for the hot single-row reads (GET message by id). The
 * writing connection is shared through Kysely's mutex: a read queued behind a group-commit
 * transaction waits for all of it, and Kysely's executor costs more than the read itself. In WAL
 * mode a separate connection reads the last committed state without waiting for any writer, and
 * without Kysely in the way. Only committed data is ever visible to it, so it is used for reads
 * outside transactions alone (sqliteReaderOf answers only for the root Kysely instance).
 */
export type SqliteRead = <Row>(sql: string, parameters: readonly unknown[]) => Row[];

const readers = new WeakMap<object, SqliteRead>();

/** The reader of a root SQLite Kysely instance; undefined for transactions and PostgreSQL. */
export function sqliteReaderOf(db: object): SqliteRead | undefined {
  return readers.get(db);
}

/** Opens the reader for `file` (lazily, on first read) and binds it to `db`; returns its closer. */
export function attachSqliteReader(db: Kysely<DB>, file: string): () => void {
  let connection: SQLite.Database | null = null;
  const statements = new Map<string, SQLite.Statement>();
  const open = (): SQLite.Database => {
    if (!connection) {
      connection = new SQLite(file, { readonly: true, fileMustExist: true });
      tuneSqliteReads(connection);
    }
    return connection;
  };
  readers.set(db, <Row>(sql: string, parameters: readonly unknown[]) => {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 100) statements.clear();
      statement = open().prepare(sql);
      statements.set(sql, statement);
    }
    return statement.all(...parameters) as Row[];
  });
  return () => {
    readers.delete(db);
    connection?.close();
    connection = null;
  };
}
