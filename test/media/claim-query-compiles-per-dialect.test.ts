import { describe, expect, it } from 'vitest';
import { claimDueMediaQuery } from '../../src/media/claim-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The download claim, per dialect (style.md §11): one range scan of the `media_due` partial
 * index (`state = 'pending'`, a literal so that the planner can use it) in a CTE evaluated once,
 * PostgreSQL workers skipping each other's locked rows, the due condition checked again on the
 * row updated.
 */
const expected = (lock: string) =>
  'with "due" as materialized (select "m"."id" from "media" as "m" where "m"."state" = \'pending\' and "m"."next_attempt_at" <= ? ' +
  `order by "m"."next_attempt_at", "m"."id" limit ?${lock}) ` +
  'update "media" set "locked_by" = ?, "locked_until" = ?, "next_attempt_at" = ?, "attempts" = "attempts" + ? ' +
  'where "id" in (select "due"."id" from "due") and "state" = \'pending\' and "next_attempt_at" <= ? returning *';

describe.each<[TestDialect, string]>([
  ['sqlite', ''],
  ['postgres', ' for update skip locked'],
])('the download claim compiled for %s', (dialect, lock) => {
  it('claims due downloads oldest first, counting the attempt and moving them out of the due range for the lease', () => {
    const { sql, parameters } = claimDueMediaQuery(compilerFor(dialect), { workerId: 'w1', now: 100_000, leaseMs: 60_000, limit: 4 }).compile();
    let n = 0;
    expect(sql).toBe(dialect === 'postgres' ? expected(lock).replace(/\?/g, () => `$${++n}`) : expected(lock));
    expect(parameters).toEqual([100_000, 4, 'w1', 160_000, 160_000, 1, 100_000]);
  });
});
