import { describe, expect, it } from 'vitest';
import { listDeliveriesQuery } from '../../src/outbox/log-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The delivery log's list, per dialect (style.md §11): a keyset window on (created_at, seq)
 * within one project, the range deliveries_project_created serves; the joins are key probes.
 */
const expected =
  'select "deliveries".*, "webhooks"."url" as "webhook_url", "conversations"."wa_id" as "conversation_phone_number" ' +
  'from "deliveries" left join "webhooks" on "webhooks"."id" = "deliveries"."webhook_id" ' +
  'left join "conversations" on "conversations"."id" = "deliveries"."conversation_id" ' +
  'where "deliveries"."project_id" = ? and "deliveries"."status" = ? ' +
  'and ("deliveries"."status" = \'failed\' or "deliveries"."last_error" is not null) ' +
  'and "deliveries"."created_at" >= ? and ("deliveries"."created_at", "deliveries"."seq") < (?, ?) ' +
  'order by "deliveries"."created_at" desc, "deliveries"."seq" desc limit ?';

describe.each<TestDialect>(['sqlite', 'postgres'])('the delivery log list compiled for %s', (dialect) => {
  it("reads one project's window, newest first, older than the cursor", () => {
    const window = { start: { kind: 'after' as const, key: [5_000, 7] as const }, limit: 21 };
    const { sql, parameters } = listDeliveriesQuery(compilerFor(dialect), 'p1', { status: 'failed', errorsOnly: true, sinceMs: 1_000 }, window).compile();
    let n = 0;
    expect(sql).toBe(dialect === 'postgres' ? expected.replace(/\?/g, () => `$${++n}`) : expected);
    expect(parameters).toEqual(['p1', 'failed', 1_000, 5_000, 7, 21]);
  });

  it('reads upward from a before cursor, to be reversed into newest first', () => {
    const window = { start: { kind: 'before' as const, key: [5_000, 7] as const }, limit: 21 };
    const { sql } = listDeliveriesQuery(compilerFor(dialect), 'p1', {}, window).compile();
    expect(sql).toContain('("deliveries"."created_at", "deliveries"."seq") > (');
    expect(sql).toMatch(/order by "deliveries"."created_at" asc, "deliveries"."seq" asc limit (\?|\$4)$/);
  });
});
