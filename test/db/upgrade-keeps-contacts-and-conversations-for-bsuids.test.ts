import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

const T0 = 1_767_268_800_000;
const PREVIOUS = '2026-12-06-012-number-removal';
const THIS = '2026-12-06-014-business-scoped-user-ids';

// Migration 014 on a store an earlier release filled: every contact and conversation is kept as
// it was, their phones still unique per number, and customers known only by BSUID fit beside them.
describe.each(dialects)('upgrading a store to business-scoped user ids (%s)', (dialect) => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('keeps every contact and conversation, readable, and lets a customer have no phone', async () => {
    database = connectDatabase(isolatedDatabaseUrlFor(dialect, 'upgrade014'));
    await migrateToLatest(database, PREVIOUS);
    const { db } = database;
    const contact = (id: string, waId: string, phoneNumberId = 'n1') => ({
      id, phone_number_id: phoneNumberId, wa_id: waId, profile_name: `name ${id}`, display_name: null, metadata: '{"tier":"gold"}',
      created_at: T0, updated_at: T0, customer_id: null, current_conversation_id: `c-${id}`,
    });
    const conversation = (id: string, contactId: string, waId: string, status: 'active' | 'ended', phoneNumberId = 'n1') => ({
      id, phone_number_id: phoneNumberId, contact_id: contactId, wa_id: waId, status, metadata: '{}', messages_count: 2,
      last_message_id: 'wamid.x', last_message_type: 'text', last_message_at: T0, last_message_text: 'hi', last_inbound_at: T0, last_outbound_at: null,
      last_active_at: T0, created_at: T0, updated_at: T0, ended_at: null,
    });
    // Written as the previous release wrote them: its tables, without the BSUID columns.
    const previous = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
    await previous.insertInto('contacts').values([contact('k1', '111'), contact('k2', '222'), contact('k3', '111', 'n2')]).execute();
    await previous
      .insertInto('conversations')
      .values([conversation('c-k1', 'k1', '111', 'active'), conversation('c-k2', 'k2', '222', 'ended'), conversation('c-k3', 'k3', '111', 'active', 'n2')])
      .execute();
    const before = { contacts: await db.selectFrom('contacts').selectAll().orderBy('id').execute(), conversations: await db.selectFrom('conversations').selectAll().orderBy('id').execute() };

    expect(await migrateToLatest(database, THIS)).toContain(THIS);

    const contacts = await db.selectFrom('contacts').selectAll().orderBy('id').execute();
    expect(contacts).toEqual(before.contacts.map((c) => ({ ...c, business_scoped_user_id: null, parent_business_scoped_user_id: null, username: null, country_code: null })));
    const conversations = await db.selectFrom('conversations').selectAll().orderBy('id').execute();
    expect(conversations).toEqual(before.conversations.map((c) => ({ ...c, business_scoped_user_id: null })));
    expect(await indexesOf(database, 'conversations')).toEqual(['conversations_active_number_activity', 'conversations_number_activity', 'conversations_number_bsuid', 'conversations_number_customer']);
    expect(await indexesOf(database, 'contacts')).toEqual(expect.arrayContaining(['contacts_number_bsuid', 'contacts_number_created']));

    // A phone is still one contact per number; a BSUID too; customers without a phone may be many.
    const fresh = (id: string, waId: string | null, bsuid: string | null) => ({ ...contact(id, waId as string), wa_id: waId, business_scoped_user_id: bsuid, current_conversation_id: null });
    await expect(db.insertInto('contacts').values(fresh('k4', '111', null)).execute()).rejects.toThrow();
    await db.insertInto('contacts').values([fresh('k5', null, 'US.1'), fresh('k6', null, 'US.2')]).execute();
    await expect(db.insertInto('contacts').values(fresh('k7', null, 'US.1')).execute()).rejects.toThrow();
    await db.insertInto('conversations').values({ ...conversation('c-k5', 'k5', '', 'active'), wa_id: null, business_scoped_user_id: 'US.1' }).execute();
    expect(await db.selectFrom('conversations').select('id').where('business_scoped_user_id', '=', 'US.1').execute()).toEqual([{ id: 'c-k5' }]);
  });
});

/** The names of a table's own indexes (not its primary key or the unique constraint's). */
async function indexesOf(database: Database, table: string): Promise<string[]> {
  const { db } = database;
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table} and name not like 'sqlite_autoindex%' order by name`.execute(db);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = ${table} and indexname <> ${`${table}_pkey`} order by indexname`.execute(db);
  return rows.map((r) => r.name);
}
