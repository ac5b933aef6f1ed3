import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import { pgDriver } from './pg-driver.ts';
import { attachExecutor, type DirectRun } from './executor.ts';
import { openPostgresReader } from './postgres-reader.ts';
import { kyselyQueryLog, type QueryObserver, timedDirect, timedReader } from './query-timing.ts';
import { poolWithPreparedStatements } from './prepared-statements.ts';
import { type SqliteCheckpointer, startSqliteCheckpointer } from './sqlite-checkpointer.ts';
import { tuneSqliteReads } from './sqlite-read-tuning.ts';
import { openSqliteReaderThread } from './sqlite-reader-thread.ts';
import { type StoreCapabilities, storeCapabilities } from './capabilities.ts';
import type { DB } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** What the rest of the process decides by the store, instead of testing the dialect. */
  readonly capabilities: StoreCapabilities;
  /** The PostgreSQL schema a `?schema=` URL selected (created by migrateToLatest), else null. */
  readonly schema: string | null;
  /** PostgreSQL's connection pool (connections open, idle, and queries waiting for one); null on SQLite. */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * Opens the database a URL names: `sqlite:<file>` (WAL, the embedded default) or
 * `postgres://…`. A `schema` query parameter on a PostgreSQL URL selects (and creates) a schema,
 * which is how test runs and benchmarks keep to themselves.
 */
export interface ConnectOptions {
  poolSize?: number;
  /** PostgreSQL: see connectPostgres. */
  relaxedCommits?: boolean;
  /** SQLite: checkpoint the WAL from a background thread (long-running processes). */
  backgroundCheckpoints?: boolean;
  /** Told every statement's duration (only a process that exposes metrics times them). */
  onQuery?: QueryObserver;
}

export function connectDatabase(url: string, opts: ConnectOptions = {}): Database {
  if (url.startsWith('sqlite:')) return connectSqlite(url.slice('sqlite:'.length), opts.backgroundCheckpoints ?? false, opts.onQuery);
  return connectPostgres(url, opts.poolSize ?? 10, opts.relaxedCommits ?? false, opts.onQuery);
}

const CHECKPOINT_INTERVAL_MS = 250;
/**
 * 1 GB of 4 KB pages: past this the WAL is made to start over (see sqlite-checkpointer.ts). A
 * 64 MB bound made steady ingest faster, but held writes every second or so, and each hold (two
 * fsyncs, 20–150 ms) showed in the ack p99 (58–72 ms against 45–63). The speed came from
 * overwriting the file rather than growing it, which the size limit below now gives at any bound;
 * the hold stays rare at 1 GB.
 */
const WAL_RESTART_FRAMES = 262_144;
/** Frames the checkpoint that holds writes may have to copy (a few milliseconds of writes). */
const WAL_CATCH_UP_FRAMES = 500;
/**
 * The WAL file keeps its size when it starts over (no cut back on the event loop, and commits
 * overwrite blocks instead of allocating them), up to a quarter over the bound (frames are 4 KB
 * and a 24-byte header; the quarter leaves the catch-up's frames in place); after 5 s without
 * writes, a file larger than 64 MB is emptied.
 */
const WAL_SIZE_LIMIT_BYTES = Math.round(WAL_RESTART_FRAMES * (4096 + 24) * 1.25);
const WAL_IDLE_TICKS_BEFORE_SHRINK = 5_000 / CHECKPOINT_INTERVAL_MS;
const WAL_SHRINK_ABOVE_BYTES = 64 * 1024 * 1024;

function connectSqlite(file: string, backgroundCheckpoints: boolean, onQuery: QueryObserver | undefined): Database {
  if (file !== ':memory:') createPrivateSqliteFile(file);
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode is durable against process crashes; only an OS crash can lose the last
  // transactions. That is the trade-off every embedded WAL deployment makes.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  tuneSqliteReads(sqlite);
  const statements = withStatementCache(sqlite);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: statements }), ...(onQuery ? { log: kyselyQueryLog(onQuery) } : {}) });
  // Serving processes checkpoint off the event loop (sqlite-checkpointer.ts); short CLI commands
  // keep SQLite's automatic checkpoints.
  let checkpointer: SqliteCheckpointer | null = null;
  if (backgroundCheckpoints && file !== ':memory:') {
    sqlite.pragma('wal_autocheckpoint = 0');
    // When the WAL starts over, a file larger than this is cut back to it by the next commit.
    sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    checkpointer = startSqliteCheckpointer(file, {
      intervalMs: CHECKPOINT_INTERVAL_MS,
      restartFrames: WAL_RESTART_FRAMES,
      catchUpFrames: WAL_CATCH_UP_FRAMES,
      idleTicksBeforeShrink: WAL_IDLE_TICKS_BEFORE_SHRINK,
      shrinkAboveBytes: WAL_SHRINK_ABOVE_BYTES,
      // Kysely hands SQLite's one connection to one user at a time: holding it holds every write.
      holdWrites: (work) => db.connection().execute(() => work()),
      onError: (message) => process.emitWarning(`SQLite checkpoint failed: ${message}`),
    });
  }
  // An in-memory database is private to its connection: no second one can read it.
  const direct: DirectRun = (sql, parameters) => runStatement(statements.prepare(sql) as SQLite.Statement, parameters);
  const reader = file === ':memory:' ? undefined : openSqliteReaderThread(file);
  const closeExecutor = attachExecutor(db, {
    numbered: false,
    direct: onQuery ? timedDirect(direct, onQuery) : direct,
    ...(reader ? { reader: onQuery ? timedReader(reader, onQuery) : reader } : {}),
  });
  return {
    db,
    dialect: 'sqlite',
    capabilities: storeCapabilities('sqlite:'),
    schema: null,
    poolStats: () => null,
    close: async () => {
      await closeExecutor();
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

/**
 * The database holds every customer's messages: owner-only, like `secret.key`. The folder is made
 * 0700 when this creates it (an existing folder, maybe the working directory, is left alone); the
 * file is created 0600 before SQLite opens it, and SQLite gives its -wal and -shm files the
 * database file's mode. Files an older version left world-readable are tightened here too.
 */
function createPrivateSqliteFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(path)) chmodSync(path, 0o600);
    } catch (err) {
      // Another owner's file this process may still open: keep going, but say so.
      process.emitWarning(`could not make ${path} private (0600): ${(err as Error).message}`);
    }
  }
}

/**
 * Kysely prepares every query it runs; compiling the same SQL again costs more than running it.
 * Our queries are a small, fixed set of shapes (values travel as parameters), so each compiled
 * statement is kept and reused. The cache is bounded all the same, for `in (…)` lists of varying
 * length.
 */
function withStatementCache(sqlite: SQLite.Database, maxStatements = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= maxStatements) statements.clear();
        statement = sqlite.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/** What Kysely's SQLite driver does with a statement, minus the result object around the rows. */
function runStatement<Row>(statement: SQLite.Statement, parameters: readonly unknown[]): Row[] {
  if (statement.reader) return statement.all(...parameters) as Row[];
  statement.run(...parameters);
  return [];
}

/**
 * How long opening a PostgreSQL connection (or waiting for one of the pool's) may take: a server
 * that does not answer at all makes requests fail with 503 after this, instead of piling up.
 */
const CONNECT_TIMEOUT_MS = 10_000;

function ignoreLostConnection(): void {}

/**
 * `relaxedCommits`: commits do not wait for the WAL flush (synchronous_commit=off). Only for
 * processes whose writes are safe to lose in a PostgreSQL crash: a delivery worker's claims and
 * records (at worst a webhook is delivered again, with the same idempotency key). Never for the
 * API, whose commits Meta and clients are told about.
 */
function connectPostgres(url: string, poolSize: number, relaxedCommits: boolean, onQuery: QueryObserver | undefined): Database {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name in DATABASE_URL: ${schema}`);
  }
  // The search path is a startup parameter of every connection, so no query can run outside it.
  const options = [schema ? `-c search_path=${schema}` : '', relaxedCommits ? '-c synchronous_commit=off' : ''].filter(Boolean).join(' ');
  const connection = { connectionString: parsed.toString(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...(options ? { options } : {}) };
  const pool = new (pgDriver().Pool)({ ...connection, max: poolSize });
  // A connection PostgreSQL ends (a killed backend, a restart, a network cut) makes its client
  // emit 'error': an idle client's through the pool, a checked-out one's with no listener at all.
  // Unheard, either is an uncaught exception that ends the process. The queries it broke fail
  // by themselves (answered 503, see unavailable.ts) and the pool opens a new connection.
  pool.on('error', ignoreLostConnection);
  pool.on('connect', (client) => client.on('error', ignoreLostConnection));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: poolWithPreparedStatements(pool) }), ...(onQuery ? { log: kyselyQueryLog(onQuery) } : {}) });
  const reader = openPostgresReader(connection);
  const closeExecutor = attachExecutor(db, { numbered: true, reader: onQuery ? timedReader(reader, onQuery) : reader });
  return {
    db,
    dialect: 'postgres',
    capabilities: storeCapabilities(url),
    schema,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await closeExecutor();
      await db.destroy();
    },
  };
}
