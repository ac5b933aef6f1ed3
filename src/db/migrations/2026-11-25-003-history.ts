import { type Kysely, sql } from 'kysely';

// Frozen. The history API: contacts gain the Kapso customer link they are filtered on
// and an index in their keyset order. Active conversations get a partial index of their own in
// keyset order: the inbox polls `status=active` every few seconds, and the lifecycle sweep looks
// for quiet active conversations number by number; neither should wade through ended ones.
// Messages and conversations are already indexed in keyset order by 001:
// (phone_number_id, timestamp, seq), (conversation_id, timestamp, seq) and
// (phone_number_id, last_active_at, id).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('customer_id', 'text').execute();
  await db.schema
    .createIndex('contacts_number_created')
    .on('contacts')
    .columns(['phone_number_id', 'created_at', 'id'])
    .execute();
  await db.schema
    .createIndex('conversations_active_number_activity')
    .on('conversations')
    .columns(['phone_number_id', 'last_active_at', 'id'])
    .where(sql.ref('status'), '=', 'active')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_active_number_activity').execute();
  await db.schema.dropIndex('contacts_number_created').execute();
  await db.schema.alterTable('contacts').dropColumn('customer_id').execute();
}
