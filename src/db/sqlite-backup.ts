import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import SQLite from 'better-sqlite3';

/** What a finished copy holds, read from the copy itself (the snapshot it was taken at). */
export interface SqliteCopy {
  pages: number;
  bytes: number;
  messages: number;
  /** Migrations applied to the copied store, oldest first. */
  migrations: string[];
  /** Blob-store keys the copied store's media rows reference. */
  mediaKeys: string[];
}

/** Pages copied so far out of the whole file, for a progress bar. */
export interface CopyProgress {
  copiedPages: number;
  totalPages: number;
  pageSize: number;
}

/** Pages per backup step: 4 MB of 4 KB pages between two progress reports. */
const PAGES_PER_STEP = 1024;
const MIGRATIONS_TABLE = 'kysely_migration';

/**
 * Copies a live SQLite store into `dest` with SQLite's online backup, beside a serving process.
 * The source is opened read-only: no migrations, no lock, no write. A read transaction is held
 * for the whole copy, so every step copies the same snapshot: without it, SQLite restarts a
 * backup whenever another process commits between two steps, and under steady ingest it would
 * never finish. In WAL mode that transaction does not hold up the writer (the WAL grows meanwhile;
 * the serving process's checkpointer copies it back once the copy ends).
 *
 * The copy is written to a temporary file beside `dest` (0600: it holds every customer's
 * messages) and renamed into place when complete; it is left in rollback-journal mode, one
 * self-contained file with no -wal beside it.
 */
export async function copySqliteStore(source: string, dest: string, onProgress: (p: CopyProgress) => void): Promise<SqliteCopy> {
  const partial = `${dest}.partial-${process.pid}`;
  closeSync(openSync(partial, 'w', 0o600));
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('begin');
    // The snapshot starts with the first read, not with `begin`.
    if (!hasMigrationsTable(db)) throw new NotAStoreError(`${source} has no migrations table: it is not a Switchboard store`);
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        onProgress({ copiedPages: totalPages - remainingPages, totalPages, pageSize });
        return PAGES_PER_STEP;
      },
    });
    db.exec('commit');
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  try {
    const copy = describeCopy(partial);
    renameSync(partial, dest);
    return copy;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Turns the copy into a single self-contained file and reads what it holds. */
function describeCopy(file: string): SqliteCopy {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const pageCount = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { pages: pageCount, bytes: pageCount * pageSize, ...readContents(db) };
  } finally {
    db.close();
  }
}

function readContents(db: SQLite.Database): Pick<SqliteCopy, 'messages' | 'migrations' | 'mediaKeys'> {
  const migrations = db.prepare(`select name from ${MIGRATIONS_TABLE} order by name`).pluck().all() as string[];
  const messages = hasTable(db, 'messages') ? (db.prepare('select count(*) from messages').pluck().get() as number) : 0;
  const mediaKeys = hasTable(db, 'media')
    ? (db.prepare('select distinct storage_key from media where storage_key is not null order by storage_key').pluck().all() as string[])
    : [];
  return { migrations, messages, mediaKeys };
}

function hasTable(db: SQLite.Database, name: string): boolean {
  return db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").pluck().get(name) === 1;
}

function hasMigrationsTable(db: SQLite.Database): boolean {
  return hasTable(db, MIGRATIONS_TABLE);
}

/** The file is not a Switchboard store (not SQLite, damaged, or without the migrations table). */
export class NotAStoreError extends Error {}

/** What a verified backup holds. */
export type VerifiedBackup = Omit<SqliteCopy, 'pages'>;

/**
 * Checks a backup before anything is restored from it: a SQLite file that passes
 * `integrity_check` and has Switchboard's migrations table. Opened read-only; NotAStoreError
 * otherwise.
 */
export function verifyBackup(file: string): VerifiedBackup {
  let db: SQLite.Database;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    db.pragma('schema_version');
  } catch (err) {
    throw new NotAStoreError(`${file} is not a Switchboard backup (${sqliteReason(err)})`);
  }
  try {
    const problems = db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>;
    const first = problems[0]?.integrity_check;
    if (problems.length !== 1 || first !== 'ok') throw new NotAStoreError(`${file} is damaged: integrity_check says ${first ?? 'nothing'}${problems.length > 1 ? ` and ${problems.length - 1} more problems` : ''}`);
    if (!hasMigrationsTable(db)) throw new NotAStoreError(`${file} is not a Switchboard backup (a SQLite database without Switchboard's migrations table)`);
    const pageCount = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    return { bytes: pageCount * pageSize, ...readContents(db) };
  } catch (err) {
    if (err instanceof NotAStoreError) throw err;
    throw new NotAStoreError(`${file} is not a Switchboard backup (${sqliteReason(err)})`);
  } finally {
    db.close();
  }
}

function sqliteReason(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database';
  if (code === 'SQLITE_CORRUPT') return 'the SQLite file is damaged';
  return (err as Error).message;
}

/**
 * Writes a verified backup to `dest` (a path with no database yet): through SQLite's backup API,
 * so a backup in WAL mode with its -wal beside it is read whole, into a 0600 temporary file
 * renamed into place once complete.
 */
export async function restoreSqliteStore(backup: string, dest: string): Promise<void> {
  const partial = `${dest}.restoring-${process.pid}`;
  closeSync(openSync(partial, 'w', 0o600));
  const db = new SQLite(backup, { readonly: true, fileMustExist: true });
  try {
    await db.backup(partial);
    renameSync(partial, dest);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
}
