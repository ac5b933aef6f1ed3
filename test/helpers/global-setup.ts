import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { TestDialect } from './dialects.ts';

/**
 * Once per run: decide the dialects, create this run's own PostgreSQL schema (so concurrent runs
 * never collide) and migrate it, and make a temp folder for SQLite files. PostgreSQL that cannot
 * be reached fails the run here: it is never skipped silently.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wanted = (process.env.TEST_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim());
  const dialects = wanted.filter((d): d is TestDialect => d === 'sqlite' || d === 'postgres');
  if (dialects.length === 0) throw new Error(`TEST_DIALECTS names no known dialect: ${wanted.join(',')}`);

  const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `sb_test_${Date.now().toString(36)}_${process.pid}`;
  if (dialects.includes('postgres')) {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 });
    try {
      await client.connect();
    } catch (err) {
      throw new Error(`PostgreSQL is required for the test run and is not reachable at ${postgresUrl}: ${String(err)}`);
    }
    await client.end();
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    const database = connectDatabase(url.toString(), { poolSize: 1 });
    await migrateToLatest(database);
    await database.close();
  }
  const sqliteDir = mkdtempSync(join(tmpdir(), 'switchboard-test-'));

  project.provide('dialects', dialects);
  project.provide('postgresUrl', postgresUrl);
  project.provide('postgresSchema', schema);
  project.provide('sqliteDir', sqliteDir);

  return async () => {
    rmSync(sqliteDir, { recursive: true, force: true });
    if (dialects.includes('postgres')) {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      // This run's schema and the isolated ones made under its name (isolatedDatabaseUrlFor).
      const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $2', [schema, `${schema}\\_%`]);
      for (const { nspname } of rows) await client.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
      await client.end();
    }
  };
}
