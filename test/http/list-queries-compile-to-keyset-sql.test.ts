import { describe, expect, it } from 'vitest';
import { listContactsQuery } from '../../src/contacts/store.ts';
import { listConversationsQuery } from '../../src/conversations/store.ts';
import { listMessagesQuery } from '../../src/messages/store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The SQL of the hot history queries, per dialect (style.md §11), so that a change to them shows
 * in review. Each must stay a range scan of an index in keyset order: (phone_number_id, timestamp,
 * seq) for messages, (phone_number_id, last_active_at, id) for conversations, (phone_number_id,
 * created_at, id) for contacts (the row-value comparison is what lets both planners seek into it).
 * Compiling needs no database, so both dialects are always checked.
 */
const placeholders = (dialect: TestDialect, sql: string) => {
  let n = 0;
  return dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
};

const MESSAGES =
  'select "messages".* from "messages" inner join "phone_numbers" on "phone_numbers"."id" = "messages"."phone_number_id" ' +
  'where "phone_numbers"."project_id" = ? and "messages"."phone_number_id" = ?';
const CONVERSATIONS =
  'select "conversations".*, (select coalesce("contacts"."display_name", "contacts"."profile_name") as "name" from "contacts" ' +
  'where "contacts"."id" = "conversations"."contact_id") as "contact_name", ' +
  // The customer's parent BSUID and username: two more primary-key probes per row returned.
  '(select "contacts"."parent_business_scoped_user_id" from "contacts" where "contacts"."id" = "conversations"."contact_id") as "parent_business_scoped_user_id", ' +
  '(select "contacts"."username" from "contacts" where "contacts"."id" = "conversations"."contact_id") as "username" from "conversations" ' +
  'inner join "phone_numbers" on "phone_numbers"."id" = "conversations"."phone_number_id" ' +
  'where "phone_numbers"."project_id" = ? and "conversations"."phone_number_id" = ?';
const CONTACTS =
  'select "contacts".* from "contacts" inner join "phone_numbers" on "phone_numbers"."id" = "contacts"."phone_number_id" ' +
  'where "phone_numbers"."project_id" = ? and "contacts"."phone_number_id" = ?';

describe.each<TestDialect>(['sqlite', 'postgres'])('history list queries compiled for %s', (dialect) => {
  const db = compilerFor(dialect);
  const compiled = (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
    const { sql, parameters } = query.compile();
    return { sql, parameters };
  };

  it.each<[string, Parameters<typeof listMessagesQuery>[3], Parameters<typeof listMessagesQuery>[4], string, unknown[]]>([
    ['the first page', {}, { start: { kind: 'first' }, limit: 51 }, ' order by "messages"."timestamp" desc, "messages"."seq" desc limit ?', ['p', 'n', 51]],
    [
      'a page after a cursor',
      {},
      { start: { kind: 'after', key: [1767268800, 42] }, limit: 51 },
      ' and ("messages"."timestamp", "messages"."seq") < (?, ?) order by "messages"."timestamp" desc, "messages"."seq" desc limit ?',
      ['p', 'n', 1767268800, 42, 51],
    ],
    [
      'a page before a cursor',
      {},
      { start: { kind: 'before', key: [1767268800, 42] }, limit: 51 },
      ' and ("messages"."timestamp", "messages"."seq") > (?, ?) order by "messages"."timestamp" asc, "messages"."seq" asc limit ?',
      ['p', 'n', 1767268800, 42, 51],
    ],
    [
      'every filter and a cursor',
      { conversationId: 'c', direction: 'inbound', status: 'read', sinceSec: 1, untilSec: 2 },
      { start: { kind: 'after', key: [1767268800, 42] }, limit: 21 },
      ' and "messages"."conversation_id" = ? and "messages"."direction" = ? and "messages"."status" = ?' +
        ' and "messages"."timestamp" >= ? and "messages"."timestamp" <= ? and ("messages"."timestamp", "messages"."seq") < (?, ?)' +
        ' order by "messages"."timestamp" desc, "messages"."seq" desc limit ?',
      ['p', 'n', 'c', 'inbound', 'read', 1, 2, 1767268800, 42, 21],
    ],
    [
      'a customer’s BSUID',
      { bsuid: 'US.1' },
      { start: { kind: 'first' }, limit: 21 },
      // Their conversations through (phone_number_id, business_scoped_user_id), then each one's messages.
      ' and "messages"."conversation_id" in (select "conversations"."id" from "conversations" where "conversations"."phone_number_id" = ? and "conversations"."business_scoped_user_id" = ?)' +
        ' order by "messages"."timestamp" desc, "messages"."seq" desc limit ?',
      ['p', 'n', 'n', 'US.1', 21],
    ],
  ])('lists messages for %s as a keyset range', (_label, filter, window, tail, parameters) => {
    expect(compiled(listMessagesQuery(db, 'p', 'n', filter, window))).toEqual({ sql: placeholders(dialect, MESSAGES + tail), parameters });
  });

  it.each<[string, Parameters<typeof listConversationsQuery>[3], Parameters<typeof listConversationsQuery>[4], string, unknown[]]>([
    [
      'the first page',
      {},
      { start: { kind: 'first' }, limit: 51 },
      ' order by "conversations"."last_active_at" desc, "conversations"."id" desc limit ?',
      ['p', 'n', 51],
    ],
    [
      'a page after a cursor',
      {},
      { start: { kind: 'after', key: [1767268800000, 'id'] }, limit: 51 },
      ' and ("conversations"."last_active_at", "conversations"."id") < (?, ?) order by "conversations"."last_active_at" desc, "conversations"."id" desc limit ?',
      ['p', 'n', 1767268800000, 'id', 51],
    ],
    [
      'every filter and a before cursor',
      { status: 'active', activeSinceMs: 1, activeUntilMs: 2, waId: '1415' },
      { start: { kind: 'before', key: [1767268800000, 'id'] }, limit: 21 },
      // One customer's conversations: found by (phone_number_id, wa_id) and sorted, never by a
      // walk of the number's activity index (the unary plus keeps that index out of SQLite's choice).
      ' and "conversations"."status" = ? and +"conversations"."last_active_at" >= ? and +"conversations"."last_active_at" <= ?' +
        ' and "conversations"."wa_id" = ? and (+"conversations"."last_active_at", "conversations"."id") > (?, ?)' +
        ' order by +"conversations"."last_active_at" asc, "conversations"."id" asc limit ?',
      ['p', 'n', 'active', 1, 2, '1415', 1767268800000, 'id', 21],
    ],
    [
      'a customer’s BSUID',
      { bsuid: 'US.1' },
      { start: { kind: 'first' }, limit: 21 },
      // Like one customer's phone: found through (phone_number_id, business_scoped_user_id) and sorted.
      ' and "conversations"."business_scoped_user_id" = ? order by +"conversations"."last_active_at" desc, "conversations"."id" desc limit ?',
      ['p', 'n', 'US.1', 21],
    ],
  ])('lists conversations for %s as a keyset range', (_label, filter, window, tail, parameters) => {
    expect(compiled(listConversationsQuery(db, 'p', 'n', filter, window))).toEqual({ sql: placeholders(dialect, CONVERSATIONS + tail), parameters });
  });

  it('lists contacts after a cursor as a keyset range', () => {
    const query = listContactsQuery(db, 'p', 'n', { hasCustomer: false }, { start: { kind: 'after', key: [5, 'id'] }, limit: 21 });
    expect(compiled(query)).toEqual({
      sql: placeholders(
        dialect,
        CONTACTS +
          ' and "contacts"."customer_id" is null and ("contacts"."created_at", "contacts"."id") < (?, ?)' +
          ' order by "contacts"."created_at" desc, "contacts"."id" desc limit ?',
      ),
      parameters: ['p', 'n', 5, 'id', 21],
    });
  });
});
