import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

const HOUR = 3_600_000;
const T0 = 1_767_268_800_000;

// Migration 009 on a store an earlier release filled: every contact points at the conversation
// the old lookup (most recently active) found, and the index that moved with every message is gone.
describe.each(dialects)('upgrading a store to current-conversation pointers (%s)', (dialect) => {
  let database: Database | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('points each contact at its most recently active conversation, and none at another customer’s', async () => {
    database = connectDatabase(isolatedDatabaseUrlFor(dialect, 'upgrade009'));
    await migrateToLatest(database, '2026-11-27-008-media-queue');
    const { db } = database;
    await db.insertInto('projects').values({ id: 'p1', name: 'acme', created_at: T0 }).execute();
    const contact = (id: string, waId: string) => ({ id, phone_number_id: 'n1', wa_id: waId, profile_name: null, display_name: null, metadata: '{}', created_at: T0, updated_at: T0 });
    await db.insertInto('contacts').values([contact('k1', '111'), contact('k2', '222'), contact('k3', '333'), { ...contact('k4', '111'), phone_number_id: 'n2' }]).execute();
    const conversation = (id: string, contactId: string, waId: string, status: 'active' | 'ended', lastActiveAt: number, phoneNumberId = 'n1') => ({
      id, phone_number_id: phoneNumberId, contact_id: contactId, wa_id: waId, status, metadata: '{}', messages_count: 1,
      last_active_at: lastActiveAt, created_at: lastActiveAt, updated_at: lastActiveAt,
    });
    await db.insertInto('conversations').values([
      conversation('c1-old', 'k1', '111', 'ended', T0),
      conversation('c1-new', 'k1', '111', 'active', T0 + 30 * HOUR),
      conversation('c2', 'k2', '222', 'active', T0 + HOUR),
      conversation('c4', 'k4', '111', 'active', T0, 'n2'),
    ]).execute();

    expect(await migrateToLatest(database, '2026-11-27-009-current-conversation')).toEqual(['2026-11-27-009-current-conversation']);

    const pointers = await db.selectFrom('contacts').select(['id', 'current_conversation_id']).orderBy('id').execute();
    expect(pointers).toEqual([
      { id: 'k1', current_conversation_id: 'c1-new' },
      { id: 'k2', current_conversation_id: 'c2' },
      { id: 'k3', current_conversation_id: null },
      { id: 'k4', current_conversation_id: 'c4' },
    ]);
    expect(await conversationIndexes(database)).toEqual(['conversations_active_number_activity', 'conversations_number_activity', 'conversations_number_customer']);
  });
});

/** The names of the conversations table's own indexes (not its primary key). */
async function conversationIndexes(database: Database): Promise<string[]> {
  const { db } = database;
  if (database.dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'conversations' and name not like 'sqlite_autoindex%' order by name`.execute(db);
    return rows.map((r) => r.name);
  }
  const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and tablename = 'conversations' and indexname <> 'conversations_pkey' order by indexname`.execute(db);
  return rows.map((r) => r.name);
}
