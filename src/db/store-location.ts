import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, DEFAULT_DATABASE_URL } from '../config.ts';

/** Where a DATABASE_URL keeps the data, resolved so an operator can tell one store from another. */
export interface StoreLocation {
  /** The SQLite file as an absolute path; null on PostgreSQL and for `sqlite::memory:`. */
  readonly sqliteFile: string | null;
  /** What the start log and messages print: the absolute SQLite path, or PostgreSQL's host/db/schema (never the password). */
  readonly description: string;
}

export function locateStore(url: string): StoreLocation {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === ':memory:') return { sqliteFile: null, description: 'sqlite in memory' };
    const absolute = resolve(file);
    return { sqliteFile: absolute, description: absolute };
  }
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
  const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
  return { sqliteFile: null, description: `postgres://${user}${parsed.host}/${database}${schema ? ` schema ${schema}` : ''}` };
}

/**
 * Before anything writes (the secret, the database, media): whether this start creates a new
 * SQLite store. The default `./data` folder is created on first use; a folder named in
 * DATABASE_URL must exist, so a typo does not silently start an empty store somewhere else.
 */
export function checkSqliteStore(url: string, location: StoreLocation): { created: boolean } {
  const file = location.sqliteFile;
  if (file === null) return { created: false };
  if (existsSync(file)) return { created: false };
  const folder = dirname(file);
  if (url !== DEFAULT_DATABASE_URL && !isFolder(folder)) {
    throw new ConfigError(`DATABASE_URL: the folder ${folder} does not exist; create it first, or fix the path (${url})`);
  }
  return { created: true };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
