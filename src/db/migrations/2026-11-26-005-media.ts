import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen. Media (meta-cloud-api.md §3, kapso-api.md §2.2): one row per media file of a
// message (or per upload), downloaded from Meta by a worker and kept in a blob store.
// - `id` is ours (a UUID): the `/media/{id}` of signed URLs never exposes Meta's media id.
// - `state` moves `pending` → `stored` or `failed`; pending rows are claimed under a lease
//   (`locked_by`, `locked_until`) once `next_attempt_at` is due, like deliveries.
// - `mime_type` is what Meta announced; `content_type` is what we serve after checking the
//   bytes (application/octet-stream when they disagree).
// - `storage_key` is content-addressed (`sha256/…`): two rows with the same bytes share a blob.
// - (phone_number_id, message_id) is unique: a message has one media file, so queuing it again
//   (a duplicate webhook) finds the row already there. Uploads have no message (NULLs differ).

export async function up(db: Kysely<any>): Promise<void> {
  const big = db.getExecutor().adapter instanceof PostgresAdapter ? 'bigint' : 'integer';

  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('meta_media_id', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text')
    .addColumn('mime_type', 'text')
    .addColumn('content_type', 'text')
    .addColumn('filename', 'text')
    .addColumn('byte_size', big)
    .addColumn('sha256', 'text')
    .addColumn('storage_key', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', big, (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', big)
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addColumn('stored_at', big)
    .execute();
  await db.schema.createIndex('media_project_id').on('media').columns(['project_id', 'id']).execute();
  await db.schema.createIndex('media_message').on('media').columns(['phone_number_id', 'message_id']).unique().execute();
  await db.schema
    .createIndex('media_due')
    .on('media')
    .columns(['next_attempt_at', 'id'])
    .where(sql.ref('state'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('media').execute();
}
