import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvent } from '../../src/events/append-event.ts';
import { OutboxWorker } from '../../src/outbox/worker.ts';
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

  it('takes the events that arrive during the gathering window in one fan-out, bells or not', async () => {
    const t = await newTenant(gw);
    const worker = new OutboxWorker(gw.deps, { idlePollMs: 5, gatherMs: 400 });
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
});
