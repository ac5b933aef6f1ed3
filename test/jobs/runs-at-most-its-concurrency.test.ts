import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { gate, nextEvent, queueJobs, scriptedRunner } from './scripted-queue.ts';

describe.each(dialects)('a job runner with 3 slots and 7 due jobs (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
  });
  afterAll(() => gw.close());

  it('never runs more than 3 handlers at once, and claims the next job only as a slot frees', async () => {
    const ids = await queueJobs(gw.deps.database.db, await newTenant(gw), 7, gw.clock.now());
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock, { concurrency: 3 });
    let running = 0;
    let most = 0;
    // Handlers waiting to be let go, oldest first; `arrived` tells the test a new one is waiting.
    const held: Array<() => void> = [];
    let arrived = () => {};
    const nextHeld = async () => {
      while (held.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
      return held.shift() as () => void;
    };
    queue.handler = async () => {
      most = Math.max(most, ++running);
      const release = gate();
      held.push(() => release.open());
      arrived();
      await release.promise;
      running--;
      return { ok: true };
    };
    const full = nextEvent(runner, 'idle', 'three jobs running and the runner waiting', (e) => e.inFlight === 3);
    runner.start();
    try {
      await full;
      const leased = await gw.deps.database.db.selectFrom('media').select('id').where('id', 'in', ids).where('locked_by', 'is not', null).execute();
      expect(leased).toHaveLength(3);
      // Each finished job makes room for exactly one more, until all seven are done.
      let completed = 0;
      runner.events.on('completed', () => completed++);
      while (completed < 7) {
        const release = await nextHeld();
        const next = nextEvent(runner, 'completed', `job ${completed + 1} completed`);
        release();
        await next;
        expect(running).toBeLessThanOrEqual(3);
      }
    } finally {
      await runner.stop(1_000);
    }
    expect(most).toBe(3);
    const rows = await gw.deps.database.db.selectFrom('media').select(['state', 'locked_by']).where('id', 'in', ids).execute();
    expect(rows.map((r) => [r.state, r.locked_by])).toEqual(Array(7).fill(['stored', null]));
  });
});
