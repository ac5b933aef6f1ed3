import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen. Webhooks out (kapso-api.md §8): subscriptions, the transactional outbox, one
// delivery per (event, subscription) and one row per delivery attempt.
// - `events` rows are written in the same transaction as the change that causes them; a worker
//   fans each one out to the subscriptions it matches (`dispatched_at` set once done), so ingest
//   pays one insert per event and never reads subscriptions.
// - `event_bodies` hold each event's rendered body once, whatever the number of subscriptions.
// - `deliveries` are claimed under a lease (`locked_by`, `locked_until`); an expired lease is
//   claimable again, which is how a dead worker's deliveries are recovered.
// - `webhook_inactivity_notices` remembers, per subscription and conversation, the quiet period
//   already announced, so `whatsapp.conversation.inactive` fires once per quiet period.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? sql`jsonb` : sql`text`;
  const big = pg ? 'bigint' : 'integer';
  const serial = (name: string) => (t: any) =>
    pg
      ? t.addColumn(name, 'bigserial', (c: any) => c.primaryKey())
      : t.addColumn(name, 'integer', (c: any) => c.primaryKey().autoIncrement());

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('phone_number_id', 'text')
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('events', json, (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('headers', json, (c) => c.notNull())
    .addColumn('payload_version', 'text', (c) => c.notNull())
    .addColumn('buffer_enabled', 'integer', (c) => c.notNull())
    .addColumn('buffer_window_seconds', 'integer', (c) => c.notNull())
    .addColumn('max_buffer_size', 'integer', (c) => c.notNull())
    .addColumn('buffer_events', json, (c) => c.notNull())
    .addColumn('inactivity_minutes', 'integer', (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', big)
    .addColumn('paused_at', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_project_created').on('webhooks').columns(['project_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('webhooks_number').on('webhooks').columns(['phone_number_id']).execute();
  // §8.1: at most one raw-forwarding (`meta`) webhook per phone number.
  await db.schema
    .createIndex('webhooks_one_meta_per_number')
    .on('webhooks')
    .columns(['phone_number_id'])
    .unique()
    .where(sql.ref('kind'), '=', sql.lit('meta'))
    .execute();

  await serial('seq')(db.schema.createTable('events'))
    .addColumn('id', 'text', (c: any) => c.notNull().unique())
    .addColumn('project_id', 'text')
    .addColumn('phone_number_id', 'text')
    .addColumn('type', 'text', (c: any) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('data', json, (c: any) => c.notNull())
    .addColumn('created_at', big, (c: any) => c.notNull())
    .addColumn('dispatched_at', big)
    .execute();
  await db.schema
    .createIndex('events_undispatched')
    .on('events')
    .columns(['seq'])
    .where(sql.ref('dispatched_at'), 'is', null)
    .execute();

  await serial('seq')(db.schema.createTable('deliveries'))
    .addColumn('id', 'text', (c: any) => c.notNull().unique())
    .addColumn('event_id', 'text', (c: any) => c.notNull())
    .addColumn('webhook_id', 'text', (c: any) => c.notNull())
    .addColumn('project_id', 'text', (c: any) => c.notNull())
    .addColumn('phone_number_id', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('event_type', 'text', (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('ordered', 'integer', (c: any) => c.notNull())
    .addColumn('buffered', 'integer', (c: any) => c.notNull())
    .addColumn('attempt_count', 'integer', (c: any) => c.notNull())
    .addColumn('next_attempt_at', big, (c: any) => c.notNull())
    .addColumn('deadline_at', big, (c: any) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', big)
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', big, (c: any) => c.notNull())
    .addColumn('last_attempt_at', big)
    .addColumn('delivered_at', big)
    .addColumn('failed_at', big)
    .addUniqueConstraint('deliveries_event_webhook', ['event_id', 'webhook_id'])
    .execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['next_attempt_at', 'seq'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema
    .createIndex('deliveries_conversation_order')
    .on('deliveries')
    .columns(['webhook_id', 'conversation_id', 'seq'])
    .where(sql.ref('status'), '=', 'pending')
    .execute();
  await db.schema.createIndex('deliveries_project_created').on('deliveries').columns(['project_id', 'created_at', 'seq']).execute();

  // The rendered body of an event, written once at fan-out and shared by its deliveries: the
  // delivery rows, updated on every claim and attempt, stay small.
  await db.schema
    .createTable('event_bodies')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();

  await serial('seq')(db.schema.createTable('delivery_attempts'))
    .addColumn('delivery_id', 'text', (c: any) => c.notNull())
    .addColumn('attempt', 'integer', (c: any) => c.notNull())
    .addColumn('started_at', big, (c: any) => c.notNull())
    .addColumn('duration_ms', 'integer', (c: any) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('error_class', 'text')
    .addColumn('error_message', 'text')
    .addColumn('response_excerpt', 'text')
    .addColumn('batch_size', 'integer', (c: any) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_attempts_delivery').on('delivery_attempts').columns(['delivery_id', 'attempt']).execute();

  await db.schema
    .createTable('webhook_inactivity_notices')
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('last_active_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_inactivity_notices_pk', ['webhook_id', 'conversation_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['webhook_inactivity_notices', 'delivery_attempts', 'event_bodies', 'deliveries', 'events', 'webhooks']) {
    await db.schema.dropTable(t).execute();
  }
}
