import { describe, expect, it } from 'vitest';
import { claimDueMediaQuery } from '../../src/media/claim-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The download claim, per dialect (style.md §11): each project's due rows (a range scan of the
 * `media_due` partial index, `state = 'pending'` a literal so that the planner can use it) ranked
 * oldest first, its live leases counted (the `media_leased` partial index); turn 1 of every
 * project before turn 2 of any, none past the per-project cap; the rows locked in a CTE
 * evaluated once, PostgreSQL workers skipping each other's locked rows, the due condition
 * checked again on the row updated.
 */
const expected = (lock: string) =>
  'with "leased" as (select "l"."project_id", count(*) as "held" from "media" as "l" where "l"."locked_by" is not null and "l"."locked_until" > ? group by "l"."project_id"), ' +
  '"ranked" as (select "m"."id", "m"."next_attempt_at", row_number() over(partition by "m"."project_id" order by "m"."next_attempt_at", "m"."id") as "turn", ' +
  'coalesce("leased"."held", 0) as "held" from "media" as "m" left join "leased" on "leased"."project_id" = "m"."project_id" ' +
  'where "m"."state" = \'pending\' and "m"."next_attempt_at" <= ?), ' +
  '"due" as materialized (select "c"."id" from "media" as "c" where "c"."id" in (select "ranked"."id" from "ranked" where "ranked"."turn" + "ranked"."held" <= ? ' +
  `order by "ranked"."turn", "ranked"."next_attempt_at", "ranked"."id" limit ?)${lock}) ` +
  'update "media" set "locked_by" = ?, "locked_until" = ?, "next_attempt_at" = ?, "attempts" = "attempts" + ? ' +
  'where "id" in (select "due"."id" from "due") and "state" = \'pending\' and "next_attempt_at" <= ? returning *';

describe.each<[TestDialect, string]>([
  ['sqlite', ''],
  ['postgres', ' for update skip locked'],
])('the download claim compiled for %s', (dialect, lock) => {
  it('claims due downloads round-robin across projects under the per-project cap, counting the attempt and moving them out of the due range for the lease', () => {
    const { sql, parameters } = claimDueMediaQuery(compilerFor(dialect), { workerId: 'w1', now: 100_000, leaseMs: 60_000, limit: 4, perProject: 2 }).compile();
    let n = 0;
    expect(sql).toBe(dialect === 'postgres' ? expected(lock).replace(/\?/g, () => `$${++n}`) : expected(lock));
    expect(parameters).toEqual([100_000, 100_000, 2, 4, 'w1', 160_000, 160_000, 1, 100_000]);
  });
});
