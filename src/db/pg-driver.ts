import { createRequire } from 'node:module';
import type pg from 'pg';
import { parseJsonFromPostgres } from './postgres-text.ts';

let driver: typeof pg | null = null;

/**
 * node-postgres, loaded by the first PostgreSQL connection: a process on SQLite never needs it,
 * and loading it was a tenth of every one-shot CLI command's start-up there.
 */
export function pgDriver(): typeof pg {
  if (driver) return driver;
  const loaded = createRequire(import.meta.url)('pg') as typeof pg;
  // int8 (COUNT(*), bigint columns) arrives from pg as a string; every bigint we store is an epoch
  // millisecond or a sequence, far below 2^53, so a number is exact and matches SQLite's rows.
  loaded.types.setTypeParser(loaded.types.builtins.INT8, (v) => Number(v));
  // JSON documents come back through the NUL escape (postgres-text.ts).
  loaded.types.setTypeParser(loaded.types.builtins.JSON, parseJsonFromPostgres);
  loaded.types.setTypeParser(loaded.types.builtins.JSONB, parseJsonFromPostgres);
  driver = loaded;
  return loaded;
}
