import { describe, expect, it } from 'vitest';
import { messagingLimitUsageQuery } from '../../src/broadcasts/messaging-limit-store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import { compilerFor } from '../helpers/sql-compiler.ts';

/**
 * The count of a number's new customers, per dialect (style.md §11): a range of
 * `broadcast_recipients_number_sent` (phone_number_id, sent_at) where sent_at is not null, and for
 * each send a probe of the customer's conversations, `conversations_number_customer`
 * (phone_number_id, wa_id), which keep when they last wrote (no index on inbound messages, which
 * every ingested message would pay for).
 */
describe.each<TestDialect>(['sqlite', 'postgres'])('the messaging-limit count compiled for %s', (dialect) => {
  it('reads one number’s sends of the last 24 h and probes each customer’s conversations for a message before it', () => {
    const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
    const expected =
      'select count(*) as "used", min("c"."last_sent_at") as "oldest" from (select "r"."phone_number", max("r"."sent_at") as "last_sent_at" ' +
      `from "broadcast_recipients" as "r" where "r"."phone_number_id" = ${p(1)} and "r"."sent_at" is not null and "r"."sent_at" > ${p(2)} ` +
      'and not exists (select 1 as "one" from "conversations" as "cv" where "cv"."phone_number_id" = "r"."phone_number_id" and "cv"."wa_id" = "r"."phone_number" ' +
      `and "cv"."last_inbound_at" >= r.sent_at - ${p(3)} and "cv"."last_inbound_at" <= r.sent_at) ` +
      'group by "r"."phone_number") as "c"';
    const { sql, parameters } = messagingLimitUsageQuery(compilerFor(dialect), 'n', 100_000_000).compile();
    expect(sql).toBe(expected);
    expect(parameters).toEqual(['n', 100_000_000 - 86_400_000, 86_400_000]);
  });
});
