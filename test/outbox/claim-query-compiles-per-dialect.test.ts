import { describe, expect, it } from 'vitest';
import { claimDueDeliveriesQuery } from '../../src/outbox/delivery-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The delivery claim, per dialect (style.md §11): PostgreSQL workers skip each other's locked
 * rows; SQLite, with one writer, has no such clause. Both re-check the lease on the row updated.
 */
const expected = (lock: string) =>
  'update "deliveries" set "locked_by" = ?, "locked_until" = ? where "seq" in (' +
  'select "d"."seq" from "deliveries" as "d" where "d"."status" = \'pending\' and "d"."next_attempt_at" <= ? ' +
  'and ("d"."locked_until" is null or "d"."locked_until" < ?) ' +
  'and exists (select "w"."id" from "webhooks" as "w" where "w"."id" = "d"."webhook_id" and "w"."active" = ? and "w"."paused_at" is null) ' +
  'and ("d"."ordered" = ? or not exists (select "e"."seq" from "deliveries" as "e" where "e"."status" = \'pending\' ' +
  'and "e"."webhook_id" = "d"."webhook_id" and "e"."conversation_id" = "d"."conversation_id" and "e"."seq" < "d"."seq" ' +
  'and "e"."ordered" = ? and "e"."created_at" > ?)) ' +
  `order by "d"."next_attempt_at", "d"."seq" limit ?${lock}) ` +
  'and ("locked_until" is null or "locked_until" < ?) returning *';

describe.each<[TestDialect, string]>([
  ['sqlite', ''],
  ['postgres', ' for update skip locked'],
])('the delivery claim compiled for %s', (dialect, lock) => {
  it('claims due, unleased deliveries of live subscriptions, oldest first, in conversation order', () => {
    const { sql, parameters } = claimDueDeliveriesQuery(compilerFor(dialect), { workerId: 'w1', now: 100_000, leaseMs: 15_000, limit: 32 }).compile();
    let n = 0;
    const want = dialect === 'postgres' ? expected(lock).replace(/\?/g, () => `$${++n}`) : expected(lock);
    expect(sql).toBe(want);
    expect(parameters).toEqual(['w1', 115_000, 100_000, 100_000, 1, 0, 1, 70_000, 32, 100_000]);
  });
});
