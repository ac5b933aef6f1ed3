import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { connectDatabase, type Database } from '../db/connect.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { locateStore } from '../db/store-location.ts';
import { type CheckResult, fail, ok, warn, within } from './check.ts';

/** How long the database has to answer `select 1` (PostgreSQL's own connect timeout is 10 s). */
const ANSWER_MS = 12_000;

/** What a failure says to do: the CLI's start-up explanations (cli/startup-errors.ts), or null. */
export type ExplainFailure = (err: unknown) => string | null;

/**
 * Opens the database DATABASE_URL names, the way one-shot commands do: no lock (a running `serve`
 * keeps its own), no migration, nothing written. A SQLite file that does not exist is reported,
 * not created. Returns the open database only when it answered.
 */
export async function checkDatabase(config: Config, explain: ExplainFailure): Promise<{ result: CheckResult; database: Database | null }> {
  let location;
  try {
    location = locateStore(config.db.url);
  } catch {
    return { result: fail('database', 'DATABASE_URL is not a URL that can be parsed', 'fix DATABASE_URL'), database: null };
  }
  if (location.sqliteFile !== null && !existsSync(location.sqliteFile)) {
    const fix = 'run `switchboard migrate` to create it, or point DATABASE_URL at the existing database';
    return { result: fail('database', `no SQLite database at ${location.sqliteFile}`, fix), database: null };
  }
  let database: Database;
  try {
    database = connectDatabase(config.db.url, { poolSize: 2 });
  } catch (err) {
    return { result: fail('database', `cannot open ${location.description}: ${describe(err)}`, explain(err) ?? 'fix DATABASE_URL'), database: null };
  }
  const answer = sql`select 1`.execute(database.db).then(
    () => null,
    (err: unknown) => err,
  );
  const failure = await within<unknown>(answer, ANSWER_MS, () => Object.assign(new Error(`no answer within ${ANSWER_MS / 1000} s`), { code: 'TIMEOUT' }));
  if (failure !== null) {
    await database.close().catch(() => undefined);
    const fix = explain(failure) ?? 'check that the database runs and is reachable, or fix DATABASE_URL';
    return { result: fail('database', `${location.description} does not answer: ${describe(failure)}`, fix), database: null };
  }
  if (location.sqliteFile === null && database.dialect === 'sqlite') {
    return { result: warn('database', 'sqlite in memory: nothing is kept between processes', 'set DATABASE_URL to a file (sqlite:./data/switchboard.db) or PostgreSQL'), database };
  }
  return { result: ok('database', `${location.description} answers`), database };
}

/** The migrations this build knows and the database has not applied: any pending fails the run. */
export async function checkMigrations(database: Database): Promise<{ result: CheckResult; current: boolean }> {
  const { pending, known } = await pendingMigrations(database);
  if (pending.length === 0) return { result: ok('migrations', `current (${known} applied)`), current: true };
  const detail = `${pending.length} of ${known} pending: ${pending.join(', ')}`;
  return { result: fail('migrations', detail, 'run `switchboard migrate` (serve also migrates when it starts)'), current: false };
}

/**
 * PostgreSQL's autovacuum: the outbox's events, the webhook deliveries and a broadcast's recipients
 * are queues (rows updated a few times, then left), and without vacuum their dead rows stay in every
 * index the workers scan. A 100,000-recipient broadcast sent 0.80 × its rate with it off, 0.945 ×
 * with it on (BENCHMARKS.md). Null on SQLite, which has no such thing.
 */
export async function checkAutovacuum(database: Database): Promise<CheckResult | null> {
  if (database.dialect !== 'postgres') return null;
  const { rows } = await sql<{ autovacuum: string }>`select current_setting('autovacuum') as autovacuum`.execute(database.db);
  return autovacuumCheck(rows[0]?.autovacuum ?? 'unknown');
}

/** The autovacuum check's result for the server's setting (`on`, `off`). */
export function autovacuumCheck(setting: string): CheckResult {
  if (setting === 'on') return ok('autovacuum', 'on: the queue tables are cleaned of dead rows as they go');
  return warn(
    'autovacuum',
    `${setting} on this server: the queue tables (outbox events, webhook deliveries, broadcast recipients) keep their dead rows, and sending and delivering slow down as they grow`,
    'set `autovacuum = on` in postgresql.conf (or run `ALTER SYSTEM SET autovacuum = on`), then reload: `SELECT pg_reload_conf()`',
  );
}

/** An error's code and message, which for pg and better-sqlite3 name no password. */
function describe(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
