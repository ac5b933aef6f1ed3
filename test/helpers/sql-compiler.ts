import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { TestDialect } from './dialects.ts';

/** A Kysely that only compiles, for asserting the SQL a store sends on each dialect (style.md §11). */
export function compilerFor(dialect: TestDialect): Kysely<DB> {
  const pg = dialect === 'postgres';
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => (pg ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (pg ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (pg ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
}
