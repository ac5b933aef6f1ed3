import { describe, expect, it } from 'vitest';
import { claimDueRecipientsQuery } from '../../src/broadcasts/claim-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The broadcast worker's claim, per dialect (style.md §11): the predicate matches the partial
 * index `broadcast_recipients_due` (phone_number_id, next_attempt_at, seq) where status =
 * 'pending' (a literal, so the planners can use the partial index), in a materialized CTE locked
 * with `skip locked` on PostgreSQL; the update checks the due condition again. A leased row is
 * never taken again, even once its lease ran out (its send may have happened: lost-sends.ts).
 */
const numbered = (dialect: TestDialect, sql: string) => {
  let n = 0;
  return dialect === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
};

describe.each<TestDialect>(['sqlite', 'postgres'])('the recipient claim compiled for %s', (dialect) => {
  it('scans one number’s due pending recipients of sending broadcasts, oldest first', () => {
    const lock = dialect === 'postgres' ? ' for update skip locked' : '';
    const expected =
      'with "due" as materialized (select "r"."seq" from "broadcast_recipients" as "r" where "r"."phone_number_id" = ? and "r"."status" = \'pending\' ' +
      'and "r"."next_attempt_at" <= ? and "r"."outcome_unknown_at" is null and "r"."locked_by" is null and "r"."broadcast_id" in (select "b"."id" from "broadcasts" as "b" ' +
      'where "b"."phone_number_id" = ? and "b"."status" = \'sending\') order by "r"."next_attempt_at", "r"."seq" limit ?' +
      lock +
      ') update "broadcast_recipients" set "locked_by" = ?, "locked_until" = ?, "next_attempt_at" = ?, "attempts" = "attempts" + ? ' +
      'where "seq" in (select "due"."seq" from "due") and "status" = \'pending\' and "next_attempt_at" <= ? and "locked_by" is null returning *';
    const { sql, parameters } = claimDueRecipientsQuery(compilerFor(dialect), { phoneNumberId: 'n', workerId: 'w', now: 10, leaseMs: 5, limit: 3 }).compile();
    expect(sql).toBe(numbered(dialect, expected));
    expect(parameters).toEqual(['n', 10, 'n', 3, 'w', 15, 15, 1, 10]);
  });
});
