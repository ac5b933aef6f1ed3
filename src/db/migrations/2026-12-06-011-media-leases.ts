import { type Kysely, sql } from 'kysely';

// Frozen. Fair download claims: a claim counts each project's live leases so
// that no project holds more than MEDIA_DOWNLOADS_PER_PROJECT downloads at once. Leased rows are
// the few with `locked_by` set (in flight, or a dead worker's until claimed again); this partial
// index holds only them, so counting costs nothing per queued or finished file and ingest, which
// writes rows without a lease, never touches it.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('media_leased')
    .on('media')
    .columns(['project_id', 'locked_until'])
    .where(sql.ref('locked_by'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('media_leased').execute();
}
