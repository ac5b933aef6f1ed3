import { describe, expect, it } from 'vitest';
import { claimDueDeliveriesQuery } from '../../src/outbox/delivery-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The delivery claim, per dialect (style.md §11): PostgreSQL workers skip each other's locked
 * rows; SQLite, with one writer, has no such clause. Both re-check that the row is still due.
 */
const expected = (lock: string) =>
  'with "due" as materialized (select "d"."seq" from "deliveries" as "d" where "d"."status" = \'pending\' and "d"."next_attempt_at" <= ? ' +
  `order by "d"."next_attempt_at", "d"."seq" limit ?${lock}) ` +
  'update "deliveries" set "locked_by" = ?, "locked_until" = ?, "next_attempt_at" = ? where "seq" in (select "due"."seq" from "due") ' +
  'and "status" = \'pending\' and "next_attempt_at" <= ? returning *';

describe.each<[TestDialect, string]>([
  ['sqlite', ''],
  ['postgres', ' for update skip locked'],
])('the delivery claim compiled for %s', (dialect, lock) => {
  it('claims due deliveries, oldest first, in one range scan of the due index, moving them out of it for the lease', () => {
    const { sql, parameters } = claimDueDeliveriesQuery(compilerFor(dialect), { workerId: 'w1', now: 100_000, leaseMs: 15_000, limit: 32 }).compile();
    let n = 0;
    const want = dialect === 'postgres' ? expected(lock).replace(/\?/g, () => `$${++n}`) : expected(lock);
    expect(sql).toBe(want);
    expect(parameters).toEqual([100_000, 32, 'w1', 115_000, 115_000, 100_000]);
  });
});
