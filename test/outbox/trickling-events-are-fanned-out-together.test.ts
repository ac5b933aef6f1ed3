import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/append-event.ts';
import { BUSY_FAN_OUT, OutboxWorker } from '../../src/outbox/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { startDeliveringGateway } from '../helpers/outbox.ts';

/**
 * Every ingest commit rings the worker's bell. Events that trickle in right after a fan-out are
 * gathered for a moment (`gatherMs`) and fanned out together, in one transaction, instead of one
 * fan-out (and one claim query) per commit.
 */
describe.each(dialects)('fan-out of trickling events (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startDeliveringGateway(dialect);
  });
  afterAll(() => gw.close());

  const outboxOf = async () => {
    const t = await newTenant(gw);
    const { db } = gw.deps.database;
    const append = (n: number) => appendEvent(db, { type: 'whatsapp.message.received', phoneNumberId: t.phoneNumberId, messageId: `wamid.T${n}` }, gw.clock.now());
    const dispatched = async (ids: string[]) => {
      const rows = await db.selectFrom('events').select(['id', 'dispatched_at']).where('id', 'in', ids).execute();
      return rows.every((r) => r.dispatched_at !== null) ? rows.map((r) => r.dispatched_at) : null;
    };
    const until = async (ids: string[]) => {
      for (let i = 0; i < 500; i++) {
        const at = await dispatched(ids);
        if (at) return at;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error('events were not fanned out');
    };
    return { append, until };
  };

  it('takes the events that arrive during the gathering window in one fan-out, bells or not', async () => {
    const { append, until } = await outboxOf();
    const worker = new OutboxWorker(gw.deps, { idlePollMs: 5, gatherMs: 400 });
    worker.start();
    try {
      const first = await append(0);
      worker.wake();
      await until([first]);
      // Each event later than the one before, each with its bell: fanned out one by one, their
      // dispatch times would differ.
      const later: string[] = [];
      for (let n = 1; n <= 4; n++) {
        gw.clock.advance(1);
        later.push(await append(n));
        worker.wake();
      }
      const at = await until(later);
      expect(new Set(at).size).toBe(1);
    } finally {
      await worker.stop(1_000);
    }
  });

  it('gathers longer after a fan-out that took many events: they are pouring in', async () => {
    const { append, until } = await outboxOf();
    // A short gather for a trickle, a long one once a fan-out takes BUSY_FAN_OUT or more.
    const worker = new OutboxWorker(gw.deps, { idlePollMs: 5, gatherMs: 5, busyGatherMs: 600 });
    // The burst is in the outbox before the worker starts: its first fan-out takes all of it.
    const burst: string[] = [];
    for (let n = 0; n < BUSY_FAN_OUT; n++) burst.push(await append(n));
    worker.start();
    try {
      await until(burst);
      // 30 ms apart, each with its bell: after a 5 ms gather each would go out alone.
      const later: string[] = [];
      for (let n = 0; n < 4; n++) {
        gw.clock.advance(1);
        later.push(await append(100 + n));
        worker.wake();
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      const at = await until(later);
      expect(new Set(at).size).toBe(1);
    } finally {
      await worker.stop(1_000);
    }
  });
});
