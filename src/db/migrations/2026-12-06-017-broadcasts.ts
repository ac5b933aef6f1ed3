import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once landed. Kapso-compatible broadcasts (kapso-broadcasts.md §2–§4, §8.3).
// - `broadcasts` keeps the template as Meta returned it at creation (the recipients were checked
//   against that definition), and counters kept in the transaction of every recipient change, so
//   a poll never counts recipients (§4: total = pending + sent + failed).
// - `broadcast_recipients` is also the send queue of the worker: `phone_number_id` is copied from
//   the broadcast so that due recipients are claimed per number (Meta's throughput is per number,
//   §8.3.1) through `broadcast_recipients_due`; `locked_by`/`locked_until` are the lease of
//   db/lease.ts, `attempts`/`next_attempt_at` the backoff, `send_tag` goes to Meta as
//   `biz_opaque_callback_data` so that status webhooks find the row, and `outcome_unknown_at`
//   marks a send whose answer was lost (it may have reached Meta: never sent again blindly).
// - `seq` orders recipients as they were added (the list is in insertion order, §5.5); the
//   unique (broadcast_id, phone_number) is how duplicates are skipped (§5.6).
// - `broadcast_suppressions` are the numbers a project never broadcasts to (opted out of
//   marketing, 131050; not on WhatsApp…), one row per (project, wa_id).

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? sql`jsonb` : sql`text`;
  const big = pg ? 'bigint' : 'integer';
  const counter = (name: string) => (t: any) => t.addColumn(name, 'integer', (c: any) => c.notNull().defaultTo(0));

  let broadcasts = db.schema
    .createTable('broadcasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('template', json, (c) => c.notNull())
    .addColumn('scheduled_at', big)
    .addColumn('started_at', big)
    .addColumn('stopped_at', big)
    .addColumn('completed_at', big)
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull());
  for (const name of ['total_recipients', 'pending_count', 'sent_count', 'failed_count', 'delivered_count', 'read_count', 'responded_count']) {
    broadcasts = broadcasts.$call(counter(name));
  }
  await broadcasts.execute();
  await db.schema.createIndex('broadcasts_project_created').on('broadcasts').columns(['project_id', 'created_at', 'id']).execute();
  // The scheduler's scan: broadcasts whose time has come (T3).
  await db.schema.createIndex('broadcasts_scheduled').on('broadcasts').columns(['scheduled_at']).where(sql.ref('status'), '=', sql.lit('scheduled')).execute();

  await db.schema
    .createTable('broadcast_recipients')
    .$call((t: any) => (pg ? t.addColumn('seq', 'bigserial', (c: any) => c.primaryKey()) : t.addColumn('seq', 'integer', (c: any) => c.primaryKey().autoIncrement())))
    .addColumn('id', 'text', (c: any) => c.notNull().unique())
    .addColumn('broadcast_id', 'text', (c: any) => c.notNull().references('broadcasts.id'))
    .addColumn('phone_number_id', 'text', (c: any) => c.notNull())
    .addColumn('phone_number', 'text', (c: any) => c.notNull())
    .addColumn('components', json, (c: any) => c.notNull())
    .addColumn('status', 'text', (c: any) => c.notNull())
    .addColumn('send_tag', 'text', (c: any) => c.notNull().unique())
    .addColumn('wamid', 'text')
    .addColumn('attempts', 'integer', (c: any) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', big, (c: any) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', big)
    .addColumn('outcome_unknown_at', big)
    .addColumn('sent_at', big)
    .addColumn('delivered_at', big)
    .addColumn('read_at', big)
    .addColumn('failed_at', big)
    .addColumn('responded_at', big)
    .addColumn('error_message', 'text')
    .addColumn('error_details', json)
    .addColumn('created_at', big, (c: any) => c.notNull())
    .addColumn('updated_at', big, (c: any) => c.notNull())
    .addUniqueConstraint('broadcast_recipients_phone', ['broadcast_id', 'phone_number'])
    .execute();
  // The worker's claim: a number's pending recipients that are due, oldest first.
  await db.schema
    .createIndex('broadcast_recipients_due')
    .on('broadcast_recipients')
    .columns(['phone_number_id', 'next_attempt_at', 'seq'])
    .where(sql.ref('status'), '=', sql.lit('pending'))
    .execute();
  // Status webhooks and replies find their recipient by wamid.
  await db.schema.createIndex('broadcast_recipients_wamid').on('broadcast_recipients').columns(['wamid']).where(sql.ref('wamid'), 'is not', null).execute();

  await db.schema
    .createTable('broadcast_suppressions')
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('wa_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', big, (c) => c.notNull())
    .addPrimaryKeyConstraint('broadcast_suppressions_pkey', ['project_id', 'wa_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('broadcast_suppressions').execute();
  await db.schema.dropIndex('broadcast_recipients_wamid').execute();
  await db.schema.dropIndex('broadcast_recipients_due').execute();
  await db.schema.dropTable('broadcast_recipients').execute();
  await db.schema.dropIndex('broadcasts_scheduled').execute();
  await db.schema.dropIndex('broadcasts_project_created').execute();
  await db.schema.dropTable('broadcasts').execute();
}
