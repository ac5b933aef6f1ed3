import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. The send governor (src/pacing/): a number's configured rate, and the send
// budget every process shares on PostgreSQL (one row per number, locked while a process takes
// from it). A single serving process on SQLite keeps its budgets in memory; the table stays empty.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const big = pg ? 'bigint' : 'integer';
  const real = pg ? 'double precision' : 'real';
  await db.schema.alterTable('phone_numbers').addColumn('max_messages_per_second', 'integer').execute();
  await db.schema
    .createTable('send_budgets')
    .addColumn('phone_number_id', 'text', (c) => c.primaryKey())
    .addColumn('tokens', real, (c) => c.notNull())
    .addColumn('refilled_at', big, (c) => c.notNull())
    .addColumn('factor', real, (c) => c.notNull())
    .addColumn('factor_at', big, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('send_budgets').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('max_messages_per_second').execute();
}
