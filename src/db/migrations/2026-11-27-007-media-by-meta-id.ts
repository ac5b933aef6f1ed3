import { type Kysely, sql } from 'kysely';

// Frozen once landed. Media looked up by Meta's media id: `GET /{media_id}?phone_number_id=`
// answers with the gateway's own copy (kapso-api.md §6.4.2), found by the number and the media id
// the message carried. Partial: outbound media sent by `link` has no Meta media id.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('media_meta_id')
    .on('media')
    .columns(['phone_number_id', 'meta_media_id'])
    .where(sql.ref('meta_media_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('media_meta_id').execute();
}
