import { type Kysely, PostgresAdapter } from 'kysely';

// Frozen once landed. The media queue: ingest appends one row per media
// message here, in the message's transaction, instead of inserting the `media` row itself. A
// `media` row costs four index entries (its key, (number, message), the due and Meta-id partial
// indexes), two of them at random places; an append to this table costs one, at the end. The
// media worker moves queued rows into `media` in batches, off the path that acknowledges Meta.
// - `seq` orders the queue: SQLite's rowid (no AUTOINCREMENT, which writes sqlite_sequence on
//   every insert), a bigserial on PostgreSQL.
// - No other index: rows are read in `seq` order and deleted when moved; moving is idempotent
//   (the media row's (phone_number_id, message_id) is unique), so a duplicate entry is harmless.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('media_queue')
    .addColumn('seq', pg ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('meta_media_id', 'text')
    .addColumn('source_url', 'text')
    .addColumn('kind', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text')
    .addColumn('filename', 'text')
    .addColumn('queued_at', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('media_queue').execute();
}
