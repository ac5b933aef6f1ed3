import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen: a migration that has shipped is never edited; add a new file instead.
// Imports nothing from the app. Integer instants are epoch milliseconds; JSON is TEXT on SQLite
// and JSONB on PostgreSQL.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? sql`jsonb` : sql`text`;
  const big = pg ? 'bigint' : 'integer';
  const serial = (name: string) => (t: any) =>
    pg
      ? t.addColumn(name, 'bigserial', (c: any) => c.primaryKey())
      : t.addColumn(name, 'integer', (c: any) => c.primaryKey().autoIncrement());

  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('revoked_at', big)
    .execute();

  await db.schema
    .createTable('phone_numbers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('display_phone_number', 'text', (c) => c.notNull())
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('access_token_enc', 'text', (c) => c.notNull())
    .addColumn('app_secret_enc', 'text', (c) => c.notNull())
    .addColumn('verify_token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('phone_numbers_project').on('phone_numbers').columns(['project_id']).execute();
  await db.schema.createIndex('phone_numbers_verify').on('phone_numbers').columns(['verify_token_hash']).execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('profile_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('metadata', json, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('contacts_number_wa_id', ['phone_number_id', 'wa_id'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('metadata', json, (c) => c.notNull())
    .addColumn('messages_count', 'integer', (c) => c.notNull())
    .addColumn('last_message_id', 'text')
    .addColumn('last_message_type', 'text')
    .addColumn('last_message_at', big)
    .addColumn('last_message_text', 'text')
    .addColumn('last_inbound_at', big)
    .addColumn('last_outbound_at', big)
    .addColumn('last_active_at', big, (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('ended_at', big)
    .execute();
  await db.schema
    .createIndex('conversations_number_contact')
    .on('conversations')
    .columns(['phone_number_id', 'wa_id', 'last_active_at'])
    .execute();
  await db.schema
    .createIndex('conversations_number_activity')
    .on('conversations')
    .columns(['phone_number_id', 'last_active_at', 'id'])
    .execute();

  await serial('seq')(db.schema.createTable('messages'))
    .addColumn('id', 'text', (c: any) => c.notNull())
    .addColumn('phone_number_id', 'text', (c: any) => c.notNull())
    .addColumn('conversation_id', 'text', (c: any) => c.notNull())
    .addColumn('direction', 'text', (c: any) => c.notNull())
    .addColumn('type', 'text', (c: any) => c.notNull())
    .addColumn('from_id', 'text')
    .addColumn('to_id', 'text')
    .addColumn('timestamp', big, (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('processing_status', 'text', (c: any) => c.notNull())
    .addColumn('origin', 'text', (c: any) => c.notNull())
    .addColumn('has_media', 'integer', (c: any) => c.notNull())
    .addColumn('contact_name', 'text')
    .addColumn('content', 'text')
    .addColumn('payload', json, (c: any) => c.notNull())
    .addColumn('kapso_data', json, (c: any) => c.notNull())
    .addColumn('created_at', big, (c: any) => c.notNull())
    .addColumn('updated_at', big, (c: any) => c.notNull())
    .addUniqueConstraint('messages_number_id', ['phone_number_id', 'id'])
    .execute();
  await db.schema
    .createIndex('messages_number_time')
    .on('messages')
    .columns(['phone_number_id', 'timestamp', 'seq'])
    .execute();
  await db.schema
    .createIndex('messages_conversation_time')
    .on('messages')
    .columns(['conversation_id', 'timestamp', 'seq'])
    .execute();

  await serial('seq')(db.schema.createTable('message_statuses'))
    .addColumn('phone_number_id', 'text', (c: any) => c.notNull())
    .addColumn('message_id', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('timestamp', big, (c: any) => c.notNull())
    .addColumn('dedupe_key', 'text', (c: any) => c.notNull())
    .addColumn('payload', json, (c: any) => c.notNull())
    .addColumn('received_at', big, (c: any) => c.notNull())
    .addUniqueConstraint('message_statuses_dedupe', ['phone_number_id', 'message_id', 'dedupe_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['message_statuses', 'messages', 'conversations', 'contacts', 'phone_numbers', 'api_keys', 'projects']) {
    await db.schema.dropTable(t).execute();
  }
}
