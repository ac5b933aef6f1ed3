import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { type ConversationFilter, listConversationsQuery } from '../../src/conversations/store.ts';
import type { KeysetWindow } from '../../src/http/list-page.ts';
import { databaseUrlFor } from '../helpers/dialects.ts';

// SQLite's planner has no statistics: offered the number's activity index, which returns rows
// already in page order, it would walk every conversation of the number to find one customer's
// few. The plan must use (phone_number_id, wa_id) and sort what it finds; PostgreSQL's planner
// decides this from its statistics.
describe('a customer’s conversations on SQLite', () => {
  let database: Database;
  beforeAll(async () => {
    database = connectDatabase(databaseUrlFor('sqlite', 'customer-index'));
    await migrateToLatest(database);
  });
  afterAll(() => database.close());

  const planOf = async (filter: ConversationFilter, window: KeysetWindow<readonly [number, string]>) => {
    const compiled = listConversationsQuery(database.db, 'p', 'n', filter, window).compile();
    const { rows } = await database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return rows.map((r) => r.detail).filter((d) => d.includes('conversations '));
  };

  it.each([
    ['the first page', { waId: '14155550001' }, { start: { kind: 'first' }, limit: 21 }],
    ['a page after a cursor', { waId: '14155550001' }, { start: { kind: 'after', key: [1767268800000, 'c'] }, limit: 21 }],
    ['a page within an activity range', { waId: '14155550001', status: 'active', activeSinceMs: 1, activeUntilMs: 2 }, { start: { kind: 'before', key: [1, 'c'] }, limit: 21 }],
  ] as const)('are found through the customer index for %s', async (_label, filter, window) => {
    expect(await planOf(filter, window)).toEqual(['SEARCH conversations USING INDEX conversations_number_customer (phone_number_id=? AND wa_id=?)']);
  });

  it('leave the unfiltered list on the activity index, in page order', async () => {
    expect(await planOf({}, { start: { kind: 'after', key: [1767268800000, 'c'] }, limit: 21 })).toEqual([
      'SEARCH conversations USING INDEX conversations_number_activity (phone_number_id=? AND (last_active_at,id)<(?,?))',
    ]);
  });
});
