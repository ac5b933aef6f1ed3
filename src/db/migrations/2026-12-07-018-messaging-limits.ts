import { type Kysely, sql } from 'kysely';

// Frozen once landed. Meta's messaging limits (meta-cloud-api.md §5.4, kapso-broadcasts.md §8.2):
// - `phone_numbers.messaging_limit_tier` is the tier as Meta names it (`TIER_250` … `TIER_UNLIMITED`),
//   read from the number's fields at Meta or set by the operator (`messaging_limit_source`:
//   `meta` | `operator`); null while unknown (the operator's default applies).
// - The count of a number's new recipients over a moving 24 h reads its broadcast sends by time
//   (`broadcast_recipients_number_sent`) and asks, for each, whether the customer had written in
//   the 24 h before it (a customer-service window was open, so the send did not count): one seek
//   of the customer's conversations (`conversations_number_customer`, which keep the time they
//   last wrote), rather than a new index that every inbound message would pay for.
// - `broadcast_recipients_number_phone` finds a number's recipients by the customer's phone (a
//   reply marks them responded).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('phone_numbers').addColumn('messaging_limit_tier', 'text').execute();
  await db.schema.alterTable('phone_numbers').addColumn('messaging_limit_source', 'text').execute();
  await db.schema
    .createIndex('broadcast_recipients_number_sent')
    .on('broadcast_recipients')
    .columns(['phone_number_id', 'sent_at'])
    .where(sql.ref('sent_at'), 'is not', null)
    .execute();
  await db.schema.createIndex('broadcast_recipients_number_phone').on('broadcast_recipients').columns(['phone_number_id', 'phone_number']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('broadcast_recipients_number_phone').execute();
  await db.schema.dropIndex('broadcast_recipients_number_sent').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('messaging_limit_source').execute();
  await db.schema.alterTable('phone_numbers').dropColumn('messaging_limit_tier').execute();
}
