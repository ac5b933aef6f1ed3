import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { gate, nextEvent, queueJobs, scriptedRunner } from './scripted-queue.ts';

const LEASE_MS = 3_000;

describe.each(dialects)('leases of running jobs (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
  });
  afterAll(() => gw.close());

  it('are extended while the handler runs, except past the job’s deadline', async () => {
    const [long, late] = (await queueJobs(gw.deps.database.db, await newTenant(gw), 2, gw.clock.now())) as [string, string];
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock, { leaseMs: LEASE_MS });
    // The second job's deadline has passed by the first renewal (at least a second after the start).
    queue.deadlines.set(late, 1);
    const release = gate();
    queue.handler = async () => {
      await release.promise;
      return { ok: true };
    };
    const claimed = nextEvent(runner, 'claimed', 'both jobs claimed', (e) => e.jobs.length === 2);
    runner.start();
    try {
      await claimed;
      gw.clock.advance(1_000);
      const renewed = await nextEvent(runner, 'renewed', 'a renewal');
      expect(renewed.keys).toEqual([long]);
      const rows = await gw.deps.database.db.selectFrom('media').select(['id', 'locked_until']).where('id', 'in', [long, late]).execute();
      const until = new Map(rows.map((r) => [r.id, Number(r.locked_until)]));
      expect(until.get(long)).toBe(gw.clock.now() + LEASE_MS);
      expect(until.get(late)).toBe(gw.clock.now() - 1_000 + LEASE_MS);
    } finally {
      release.open();
      await runner.stop(1_000);
    }
  });
});
