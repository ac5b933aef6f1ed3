import { type Kysely, sql } from 'kysely';

// Frozen once landed. A contact points at its current conversation: the one opened last, which a
// message joins unless it has ended or gone quiet (conversations/lifecycle.ts).
// - Before, the current conversation was found as the customer's most recently active one,
//   through (phone_number_id, wa_id, last_active_at). That index entry moved with every message
//   (one more page written at a random place per message), and a message Meta delivered late,
//   after the conversation had ended, opened a conversation older in activity than the ended
//   one, so the next late message found the ended one again and opened yet another.
// - The pointer changes only when a conversation opens. The index left for the conversations
//   list's `phone_number` filter holds no activity time, so messages never move its entries.
// - Backfilled with what the old lookup found, through the old index, before it is dropped.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('current_conversation_id', 'text').execute();
  await sql`
    update contacts set current_conversation_id = (
      select c.id from conversations c
      where c.phone_number_id = contacts.phone_number_id and c.wa_id = contacts.wa_id
      order by c.last_active_at desc limit 1)`.execute(db);
  await db.schema.createIndex('conversations_number_customer').on('conversations').columns(['phone_number_id', 'wa_id']).execute();
  await db.schema.dropIndex('conversations_number_contact').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('conversations_number_contact')
    .on('conversations')
    .columns(['phone_number_id', 'wa_id', 'last_active_at'])
    .execute();
  await db.schema.dropIndex('conversations_number_customer').execute();
  await db.schema.alterTable('contacts').dropColumn('current_conversation_id').execute();
}
