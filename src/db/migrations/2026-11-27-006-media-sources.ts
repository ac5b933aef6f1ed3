import { type Kysely, sql } from 'kysely';

// Frozen. Media queued from messages:
// - `source_url`: the `link` of a media message sent through the proxy (kapso-api.md §6.1.1, item
//   6): the worker mirrors it from there, as Meta fetched it, since there is no Meta media id.
// - `kind`: the message type the file came with (`image`, `audio`, `document`…): the size
//   limit of a linked file, whose server may announce any type, and the name given to a file
//   sent without one.
// - `media_failed`: failed rows by the time they failed (`updated_at`, which nothing changes
//   afterwards), for `switchboard media retry --failed --since`.
// - `media_project_id` goes: no query reads media by project (a file is served by its signed
//   id), and ingest writes one media row per media message, so each index costs.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('media').addColumn('source_url', 'text').execute();
  await db.schema.alterTable('media').addColumn('kind', 'text').execute();
  await db.schema
    .createIndex('media_failed')
    .on('media')
    .columns(['updated_at', 'id'])
    .where(sql.ref('state'), '=', 'failed')
    .execute();
  await db.schema.dropIndex('media_project_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('media_project_id').on('media').columns(['project_id', 'id']).execute();
  await db.schema.dropIndex('media_failed').execute();
  await db.schema.alterTable('media').dropColumn('kind').execute();
  await db.schema.alterTable('media').dropColumn('source_url').execute();
}
