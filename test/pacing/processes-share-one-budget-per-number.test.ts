import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { SendGovernor } from '../../src/pacing/send-governor.ts';
import { sharedBudgetSource } from '../../src/pacing/shared-budget-store.ts';
import { dialects, isolatedDatabaseUrlFor } from '../helpers/dialects.ts';

const RATE = 20;
const OPTS = { lostAfterMs: 25_000 };

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
    const governors = [new SendGovernor(sharedBudgetSource(first.db, OPTS), null), new SendGovernor(sharedBudgetSource(second.db, OPTS), null)];
    const granted: Array<{ at: number; by: number }> = [];
    const permits = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (governors[i % 2] as SendGovernor).send({ phoneNumberId: 'pn-shared', perSecond: RATE, recipient: null, maxWaitMs: 10_000 }, async () => {
          granted.push({ at: Date.now(), by: i % 2 });
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
    const [a, b] = [new SendGovernor(sharedBudgetSource(first.db, OPTS), null), new SendGovernor(sharedBudgetSource(second.db, OPTS), null)];
    await a.throttledByMeta('pn-throttled');
    const row = await second.db.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', 'pn-throttled').executeTakeFirstOrThrow();
    expect(Number(row.factor)).toBe(0.8);
    // Nothing is left to burst: the other process's next send must wait for the lowered rate.
    expect(await b.acquire({ phoneNumberId: 'pn-throttled', perSecond: 4, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: false, limit: 'throughput' });
  });

  it('counts a send from its answer in every process: one process’s slow answer holds the other’s next send', async () => {
    let clock = Date.now();
    const [a, b] = [new SendGovernor(sharedBudgetSource(first.db, OPTS), null, () => clock), new SendGovernor(sharedBudgetSource(second.db, OPTS), null, () => clock)];
    const ask = (g: SendGovernor) => g.acquire({ phoneNumberId: 'pn-slow', perSecond: 1, recipient: null, maxWaitMs: 0 });
    const grantedAt = clock;
    const sent = await a.send({ phoneNumberId: 'pn-slow', perSecond: 1, recipient: null, maxWaitMs: 0 }, async () => {
      clock += 400;
    });
    expect(sent.ok).toBe(true);
    // The answer reaches the shared row within a few milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const row = await second.db.selectFrom('send_budgets').select(['on_their_way', 'answered']).where('phone_number_id', '=', 'pn-slow').executeTakeFirstOrThrow();
    expect({ onTheirWay: JSON.parse(row.on_their_way), answered: JSON.parse(row.answered) }).toEqual({ onTheirWay: [], answered: [grantedAt + 400] });
    clock = grantedAt + 1_200;
    expect(await ask(b)).toMatchObject({ ok: false, limit: 'throughput' });
    clock = grantedAt + 1_400;
    expect(await ask(b)).toMatchObject({ ok: true });
  });

  it('holds a send left on its way by a process that stopped, until it is surely lost, and no longer', async () => {
    let clock = Date.now();
    const [a, b] = [new SendGovernor(sharedBudgetSource(first.db, OPTS), null, () => clock), new SendGovernor(sharedBudgetSource(second.db, OPTS), null, () => clock)];
    const ask = (g: SendGovernor) => g.acquire({ phoneNumberId: 'pn-crashed', perSecond: 1, recipient: null, maxWaitMs: 0 });
    // `a` is granted a send and never answers it (killed while the request was on its way).
    expect(await ask(a)).toMatchObject({ ok: true });
    clock += 10_000;
    expect(await ask(b)).toMatchObject({ ok: false, limit: 'throughput' });
    clock += OPTS.lostAfterMs;
    expect(await ask(b)).toMatchObject({ ok: true });
  });

  it('hands in its last answers when the process closes', async () => {
    let clock = Date.now();
    const [a, b] = [new SendGovernor(sharedBudgetSource(first.db, OPTS), null, () => clock), new SendGovernor(sharedBudgetSource(second.db, OPTS), null, () => clock)];
    const grantedAt = clock;
    await a.send({ phoneNumberId: 'pn-closing', perSecond: 1, recipient: null, maxWaitMs: 0 }, async () => {
      clock += 10;
    });
    await a.close();
    clock = grantedAt + 1_010;
    expect(await b.acquire({ phoneNumberId: 'pn-closing', perSecond: 1, recipient: null, maxWaitMs: 0 })).toMatchObject({ ok: true });
  });

  it('never grants more than the window holds when many processes take at the same moment, each knowing the row as it last wrote it', async () => {
    const now = Date.now();
    // Four processes (two per connection), each with the row as it last read or wrote it.
    const sources = [first, second, first, second].map((d) => sharedBudgetSource(d.db, OPTS));
    // Each takes once alone, so that every process starts from a version others will move on.
    for (const source of sources) await source.take('pn-race', 50, now, 0);
    const taken = await Promise.all(Array.from({ length: 40 }, (_, i) => (sources[i % 4] as (typeof sources)[number]).take('pn-race', 50, now, 1)));
    // At one instant the window grants its catching up (a tenth of a second of 50/s) and no more:
    // a write made on a stale row would have granted it again.
    expect(taken.reduce((sum, t) => sum + t.granted, 0)).toBe(5);
    const row = await first.db.selectFrom('send_budgets').selectAll().where('phone_number_id', '=', 'pn-race').executeTakeFirstOrThrow();
    expect(JSON.parse(row.on_their_way)).toHaveLength(5);
    // Every take wrote the row once: 4 alone, then 40 together.
    expect(Number(row.version)).toBe(44);
  });
});
