import { describe, expect, it } from 'vitest';
import { listCallsQuery } from '../../src/calls/store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The SQL of the call history list, per dialect (style.md §11): a range scan of the index
 * (phone_number_id, started_at, id) in keyset order, the row-value comparison letting both
 * planners seek into it. Compiling needs no database, so both dialects are always checked.
 */
const HEAD =
  'select "calls".*, "phone_numbers"."display_phone_number", "contacts"."wa_id" as "contact_wa_id", ' +
  '"contacts"."profile_name" as "contact_profile_name", "contacts"."display_name" as "contact_display_name" from "calls" ' +
  'inner join "phone_numbers" on "phone_numbers"."id" = "calls"."phone_number_id" ' +
  'left join "contacts" on "contacts"."id" = "calls"."whatsapp_contact_id" ' +
  'where "phone_numbers"."project_id" = ? and "calls"."phone_number_id" = ?';

const numbered = (dialect: TestDialect, sql: string) => {
  let n = 0;
  return dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
};

describe.each<TestDialect>(['sqlite', 'postgres'])('the call history query compiled for %s', (dialect) => {
  const db = compilerFor(dialect);

  it.each<[string, Parameters<typeof listCallsQuery>[3], Parameters<typeof listCallsQuery>[4], string, unknown[]]>([
    ['the first page', {}, { start: { kind: 'first' }, limit: 21 }, ' order by "calls"."started_at" desc, "calls"."id" desc limit ?', ['p', 'n', 21]],
    [
      'a page before a cursor',
      {},
      { start: { kind: 'before', key: [1767268800000, 'u'] }, limit: 21 },
      ' and ("calls"."started_at", "calls"."id") > (?, ?) order by "calls"."started_at" asc, "calls"."id" asc limit ?',
      ['p', 'n', 1767268800000, 'u', 21],
    ],
    [
      'every filter and a cursor',
      { direction: 'inbound', status: 'completed', sinceMs: 1, untilMs: 2, callId: 'wacid.X' },
      { start: { kind: 'after', key: [1767268800000, 'u'] }, limit: 2 },
      ' and "calls"."direction" = ? and "calls"."status" = ? and "calls"."started_at" >= ? and "calls"."started_at" <= ?' +
        ' and ("calls"."call_id" = ? or "calls"."id" = ?) and ("calls"."started_at", "calls"."id") < (?, ?)' +
        ' order by "calls"."started_at" desc, "calls"."id" desc limit ?',
      ['p', 'n', 'inbound', 'completed', 1, 2, 'wacid.X', 'wacid.X', 1767268800000, 'u', 2],
    ],
  ])('%s', (_name, filter, window, tail, parameters) => {
    const { sql, parameters: actual } = listCallsQuery(db, 'p', 'n', filter, window).compile();
    expect(sql).toBe(numbered(dialect, HEAD + tail));
    expect(actual).toEqual(parameters);
  });
});
