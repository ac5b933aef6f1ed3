import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { SendGovernor } from '../../src/pacing/send-governor.ts';
import { sharedBudgetSource } from '../../src/pacing/shared-budget-store.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

const RATE = 20;

/**
 * Several processes sending for one number (two `serve`, or `serve` and `worker`, on PostgreSQL)
 * take their sends from one budget row: together they never go faster than the number's rate,
 * and none of them is starved. Here two governors on two connections stand for two processes. An
 * embedded SQLite store has one serving process (its budgets are in memory, see
 * the-governor-paces-sends-in-order-and-refuses-what-cannot-wait.test.ts).
 */
describe.runIf(dialects.includes('postgres'))('processes sharing a number’s send budget on PostgreSQL', () => {
  const dialect = 'postgres';
  let first: Database;
  let second: Database;
  beforeAll(async () => {
    const url = isolatedDatabaseUrlFor(dialect, 'budget');
    first = connectDatabase(url);
    await migrateToLatest(first);
    second = connectDatabase(url);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('grants both processes’ sends, in all no faster than the rate', async () => {
    const governors = [new SendGovernor(sharedBudgetSource(first.db), null), new SendGovernor(sharedBudgetSource(second.db), null)];
    const granted: Array<{ at: number; by: number }> = [];
    const permits = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (governors[i % 2] as SendGovernor).acquire({ phoneNumberId: 'pn-shared', perSecond: RATE, recipient: null, maxWaitMs: 10_000 }).then((permit) => {
          if (permit.ok) granted.push({ at: Date.now(), by: i % 2 });
          return permit;
        }),
      ),
    );
    expect(permits.filter((p) => p.ok)).toHaveLength(50);
    expect(granted.filter((g) => g.by === 0)).toHaveLength(25);
    const times = granted.map((g) => g.at);
    const busiest = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 1000).length));
    expect(busiest).toBeLessThanOrEqual(RATE);
  });

  it('slows every process when one of them hears 130429 from Meta', async () => {
    const [a, b] = [new SendGovernor(sharedBudgetSource(first.db), null), new SendGovernor(sharedBudgetSource(second.db), null)];
    await a.throttledByMeta('pn-throttled', 4);
    const row = await second.db.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', 'pn-throttled').executeTakeFirstOrThrow();
    expect(Number(row.factor)).toBe(0.8);
    // Nothing is left to burst: the other process's next send must wait for the lowered rate.
    expect(await b.acquire({ phoneNumberId: 'pn-throttled', perSecond: 4, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: false, limit: 'throughput' });
  });
});
