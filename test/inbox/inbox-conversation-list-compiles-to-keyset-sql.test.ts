import { describe, expect, it } from 'vitest';
import { type InboxConversationFilter, listInboxConversationKeysQuery } from '../../src/inbox/conversation-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The SQL of the inbox's conversation list, per dialect (style.md §11): the project's live numbers,
 * then a walk of (phone_number_id, last_active_at, id) in keyset order; the status a literal so the
 * partial index of active conversations matches; assignment a primary-key probe per row.
 */
const HEAD =
  'select "c"."id", "c"."last_active_at" from "conversations" as "c" where "c"."phone_number_id" in ' +
  '(select "phone_numbers"."id" from "phone_numbers" where "phone_numbers"."project_id" = ? and "phone_numbers"."removed_at" is null';
const ORDER = ' order by "c"."last_active_at" desc, "c"."id" desc limit ?';

const numbered = (dialect: TestDialect, sql: string) => {
  let n = 0;
  return dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
};

describe.each<TestDialect>(['sqlite', 'postgres'])('the inbox conversation list compiled for %s', (dialect) => {
  const db = compilerFor(dialect);

  it.each<[string, InboxConversationFilter, [number, string] | null, string, unknown[]]>([
    ['the first page of everything', { status: 'all', assigned: 'any' }, null, ')', ['p', 31]],
    [
      'active ones of one number after a cursor',
      { status: 'active', assigned: 'any', phoneNumberId: 'n' },
      [1767268800000, 'c9'],
      ' and "phone_numbers"."id" = ?) and "c"."status" = \'active\' and ("c"."last_active_at", "c"."id") < (?, ?)',
      ['p', 'n', 1767268800000, 'c9', 31],
    ],
    [
      'mine',
      { status: 'all', assigned: 'me' },
      null,
      ') and exists (select "a"."conversation_id" from "conversation_assignments" as "a" where "a"."conversation_id" = "c"."id" and "a"."assignee_user_id" = ?)',
      ['p', 'u', 31],
    ],
    [
      'unassigned ended ones',
      { status: 'ended', assigned: 'unassigned' },
      null,
      ') and "c"."status" = \'ended\' and not exists (select "a"."conversation_id" from "conversation_assignments" as "a" where "a"."conversation_id" = "c"."id")',
      ['p', 31],
    ],
  ])('%s', (_name, filter, after, middle, parameters) => {
    const { sql, parameters: actual } = listInboxConversationKeysQuery(db, 'p', 'u', filter, after, 31).compile();
    expect(sql).toBe(numbered(dialect, HEAD + middle + ORDER));
    expect(actual).toEqual(parameters);
  });
});
