import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. The shared send window (src/pacing/shared-budget-store.ts) is written with a
// compare-and-set on a version that every write moves on, instead of under a row lock held for
// a transaction of four round trips: a process that knows the row as it last wrote it takes its
// grants in one statement.

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';
  await db.schema.alterTable('send_budgets').addColumn('version', big, (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('send_budgets').dropColumn('version').execute();
}
