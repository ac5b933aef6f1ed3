/**
 * Reads a JSON column: SQLite hands back the TEXT we wrote, PostgreSQL's driver has already
 * parsed the JSONB. Either way the caller gets the value.
 */
export function readJson<T = unknown>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Serialises a value for a JSON column (TEXT on SQLite, JSONB on PostgreSQL). */
export function writeJson(value: unknown): string {
  return JSON.stringify(value);
}
