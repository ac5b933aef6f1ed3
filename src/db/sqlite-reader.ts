import SQLite from 'better-sqlite3';
import type { CommittedReader } from './executor.ts';
import { tuneSqliteReads } from './sqlite-read-tuning.ts';

/**
 * A second, read-only SQLite connection for the hot single-row reads (GET message by id). The
 * writing connection is shared through Kysely's mutex: a read queued behind a group-commit
 * transaction waits for all of it, and Kysely's executor costs more than the read itself. In WAL
 * mode a separate connection reads the last committed state without waiting for any writer, and
 * without Kysely in the way. Only committed data is ever visible to it, so it is used for reads
 * outside transactions alone (db/executor.ts).
 */
/** The reader of `file`, opened lazily on first read. */
export function openSqliteReader(file: string): CommittedReader {
  let connection: SQLite.Database | null = null;
  const statements = new Map<string, SQLite.Statement>();
  const open = (): SQLite.Database => {
    if (!connection) {
      connection = new SQLite(file, { readonly: true, fileMustExist: true });
      tuneSqliteReads(connection);
    }
    return connection;
  };
  return {
    read<Row>(sql: string, parameters: readonly unknown[]): Row[] {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= 100) statements.clear();
        statement = open().prepare(sql);
        statements.set(sql, statement);
      }
      return statement.all(...parameters) as Row[];
    },
    close() {
      connection?.close();
      connection = null;
    },
  };
}
