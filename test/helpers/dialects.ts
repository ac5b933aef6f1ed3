import { inject } from 'vitest';

export type TestDialect = 'sqlite' | 'postgres';

/**
 * The dialects this run covers: both by default; `TEST_DIALECTS=sqlite` (or `postgres`) narrows
 * a local run. CI runs both, and an unreachable PostgreSQL fails global setup loudly.
 */
export const dialects: TestDialect[] = inject('dialects');

/** A database URL of its own for one test gateway. */
export function databaseUrlFor(dialect: TestDialect, name: string): string {
  if (dialect === 'postgres') {
    const url = new URL(inject('postgresUrl'));
    url.searchParams.set('schema', inject('postgresSchema'));
    return url.toString();
  }
  return `sqlite:${inject('sqliteDir')}/${name}-${process.pid}-${Math.random().toString(36).slice(2)}.db`;
}

/**
 * A database no other test gateway shares: on PostgreSQL a schema of its own under this run's
 * (dropped with it), on SQLite a file of its own. For tests that run delivery workers, which
 * claim work across every project of their database by design.
 */
export function isolatedDatabaseUrlFor(dialect: TestDialect, name: string): string {
  if (dialect === 'sqlite') return databaseUrlFor(dialect, name);
  const url = new URL(inject('postgresUrl'));
  const suffix = `${name.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 12)}_${Math.random().toString(36).slice(2, 10)}`;
  url.searchParams.set('schema', `${inject('postgresSchema')}_${suffix}`);
  return url.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dialects: TestDialect[];
    postgresUrl: string;
    postgresSchema: string;
    sqliteDir: string;
  }
}
