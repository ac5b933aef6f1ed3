import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { dirname } from 'node:path';
import { type Config, DEFAULT_DATABASE_URL } from '../config.ts';
import { holdSqliteLock } from '../db/sqlite-lock.ts';
import { checkSqliteStore, locateStore, type StoreLocation } from '../db/store-location.ts';

export interface ClaimedStore {
  readonly location: StoreLocation;
  /** This start creates the SQLite file (the operator is told where). */
  readonly created: boolean;
}

/**
 * Checks the store a command is about to open, before anything writes to it, so that an operator
 * never wonders which database a command used: a SQLite folder named in DATABASE_URL must exist; a serving process
 * (`serve`, `worker`) also takes the SQLite database's lock (db/sqlite-lock.ts), so a second one
 * is refused at start. One-shot commands do not lock: they run beside a serving process.
 */
export function claimStore(config: Config, opts: { serving: boolean }): ClaimedStore {
  const location = locateStore(config.db.url);
  const { created } = checkSqliteStore(config.db.url, location);
  if (opts.serving && location.sqliteFile !== null) {
    // Only the default ./data can be missing here (checkSqliteStore); the lock lives beside the file.
    mkdirSync(dirname(location.sqliteFile), { recursive: true, mode: 0o700 });
    holdSqliteLock(location.sqliteFile);
  }
  return { location, created };
}

/** What one-shot commands print on stderr when they created the store. */
export function createdStoreNotice(config: Config, store: ClaimedStore): string {
  const relative = config.db.url === DEFAULT_DATABASE_URL ? ' (the default ./data is relative to the working directory; set DATABASE_URL to use another store)' : '';
  return `switchboard: created a new store at ${store.location.description}${relative}`;
}

/** A serving process's first log line names its store, so two processes on two stores are told apart. */
export function logStore(log: Logger, store: ClaimedStore): void {
  const where = store.location.description;
  log.info({ store: where }, store.created ? `created a new store at ${where}` : `using the store at ${where}`);
}
