import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen. WhatsApp Calling's call log (kapso-api.md §6.7.2): one row per Meta call id (`wacid.…`)
// of a number, written by the `calls` webhooks and by outbound `connect` answers. The unique
// (phone_number_id, call_id) pair is what makes a repeated webhook land on the same row. The
// history list pages newest first on (started_at, id), which never change once a row exists.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const big = pg ? 'bigint' : 'integer';
  await db.schema
    .createTable('calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_wa_id', 'text')
    .addColumn('whatsapp_contact_id', 'text')
    .addColumn('whatsapp_conversation_id', 'text')
    .addColumn('duration_seconds', 'integer')
    .addColumn('biz_opaque_callback_data', 'text')
    .addColumn('started_at', big, (c) => c.notNull())
    .addColumn('session_started_at', big)
    .addColumn('ended_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('calls_number_call_id', ['phone_number_id', 'call_id'])
    .execute();
  await db.schema.createIndex('calls_number_started').on('calls').columns(['phone_number_id', 'started_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('calls_number_started').execute();
  await db.schema.dropTable('calls').execute();
}
