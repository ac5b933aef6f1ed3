import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen. The send path: a per-number Graph origin (the sandbox number talks to the local
// simulator while real numbers talk to Meta), the idempotency keys of sends, and the sandbox
// created on a first start (its API key kept encrypted so every start can print it again).

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';

  await db.schema.alterTable('phone_numbers').addColumn('graph_url', 'text').execute();
  await db.schema.alterTable('phone_numbers').addColumn('is_sandbox', 'integer', (c) => c.notNull().defaultTo(0)).execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').columns(['created_at']).execute();

  await db.schema
    .createTable('sandbox')
    .addColumn('project_id', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('api_key_enc', 'text', (c) => c.notNull())
    .addColumn('customer_wa_id', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sandbox').execute();
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('is_sandbox').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('graph_url').execute();
}
