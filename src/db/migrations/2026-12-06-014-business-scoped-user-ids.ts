import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Frozen once landed. Customers who adopt a WhatsApp username may reach a business with a
// business-scoped user id (BSUID) and no phone number (meta-cloud-api.md §1.5): a customer is
// known by wa_id, by BSUID, or by both. Contacts gain the BSUID, its parent, the username and the
// country code Meta gives with them, and
// their wa_id may be null; a conversation keeps both identifiers of its customer (its list filters
// by either) and may lack the phone. Per number, a wa_id and a BSUID each name at most one
// contact: the unique (phone_number_id, wa_id) constraint already lets nulls repeat, and a partial
// unique index does the same for the BSUID.
// - PostgreSQL drops the NOT NULL constraints in place.
// - SQLite cannot drop a NOT NULL: contacts and conversations are rebuilt as the same tables with
//   the constraint gone, every row copied, their indexes made again. No table references them.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (pg) {
    await sql`alter table contacts alter column wa_id drop not null`.execute(db);
    await sql`alter table conversations alter column wa_id drop not null`.execute(db);
  } else {
    await rebuildContactsInSqlite(db);
    await rebuildConversationsInSqlite(db);
  }
  for (const column of ['business_scoped_user_id', 'parent_business_scoped_user_id', 'username', 'country_code']) {
    await db.schema.alterTable('contacts').addColumn(column, 'text').execute();
  }
  await db.schema.alterTable('conversations').addColumn('business_scoped_user_id', 'text').execute();
  await db.schema
    .createIndex('contacts_number_bsuid')
    .on('contacts')
    .columns(['phone_number_id', 'business_scoped_user_id'])
    .unique()
    .where(sql.ref('business_scoped_user_id'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('conversations_number_bsuid')
    .on('conversations')
    .columns(['phone_number_id', 'business_scoped_user_id'])
    .where(sql.ref('business_scoped_user_id'), 'is not', null)
    .execute();
}

async function rebuildContactsInSqlite(db: Kysely<any>): Promise<void> {
  await sql`create table contacts_next (
    id text primary key, phone_number_id text not null, wa_id text, profile_name text, display_name text,
    metadata text not null, created_at integer not null, updated_at integer not null, customer_id text,
    current_conversation_id text, constraint contacts_number_wa_id unique (phone_number_id, wa_id))`.execute(db);
  await sql`insert into contacts_next (id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at, customer_id, current_conversation_id)
    select id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at, customer_id, current_conversation_id from contacts`.execute(db);
  await sql`drop table contacts`.execute(db);
  await sql`alter table contacts_next rename to contacts`.execute(db);
  await db.schema.createIndex('contacts_number_created').on('contacts').columns(['phone_number_id', 'created_at', 'id']).execute();
}

async function rebuildConversationsInSqlite(db: Kysely<any>): Promise<void> {
  await sql`create table conversations_next (
    id text primary key, phone_number_id text not null, contact_id text not null, wa_id text, status text not null,
    metadata text not null, messages_count integer not null, last_message_id text, last_message_type text,
    last_message_at integer, last_message_text text, last_inbound_at integer, last_outbound_at integer,
    last_active_at integer not null, created_at integer not null, updated_at integer not null, ended_at integer)`.execute(db);
  await sql`insert into conversations_next select id, phone_number_id, contact_id, wa_id, status, metadata, messages_count,
    last_message_id, last_message_type, last_message_at, last_message_text, last_inbound_at, last_outbound_at,
    last_active_at, created_at, updated_at, ended_at from conversations`.execute(db);
  await sql`drop table conversations`.execute(db);
  await sql`alter table conversations_next rename to conversations`.execute(db);
  await db.schema.createIndex('conversations_number_activity').on('conversations').columns(['phone_number_id', 'last_active_at', 'id']).execute();
  await db.schema
    .createIndex('conversations_active_number_activity')
    .on('conversations')
    .columns(['phone_number_id', 'last_active_at', 'id'])
    .where(sql.ref('status'), '=', 'active')
    .execute();
  await db.schema.createIndex('conversations_number_customer').on('conversations').columns(['phone_number_id', 'wa_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('conversations_number_bsuid').execute();
  await db.schema.dropIndex('contacts_number_bsuid').execute();
  await db.schema.alterTable('conversations').dropColumn('business_scoped_user_id').execute();
  for (const column of ['country_code', 'username', 'parent_business_scoped_user_id', 'business_scoped_user_id']) {
    await db.schema.alterTable('contacts').dropColumn(column).execute();
  }
}
