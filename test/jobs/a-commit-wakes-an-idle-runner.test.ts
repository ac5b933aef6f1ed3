import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WakeSignal } from '../../src/jobs/wake-signal.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { eventLog, nextEvent, queueJobs, scriptedRunner } from './scripted-queue.ts';

describe.each(dialects)('an idle job runner that polls once a minute (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
  });
  afterAll(() => gw.close());

  it('claims work committed in this process as soon as the commit rings its signal', async () => {
    const tenant = await newTenant(gw);
    const signal = new WakeSignal();
    const { runner } = scriptedRunner(gw.deps, gw.clock, { pollMs: 60_000, wakeOn: signal });
    const events = eventLog(runner);
    const idle = nextEvent(runner, 'idle', 'the first look finds nothing');
    runner.start();
    try {
      await idle;
      await queueJobs(gw.deps.database.db, tenant, 1, gw.clock.now());
      const done = nextEvent(runner, 'completed', 'the job completes');
      signal.ring();
      await done;
      // A poll would have come a minute later; the claim followed the ring.
      expect(events.slice(0, 4)).toEqual(['idle', 'woken', 'claimed', 'completed']);
    } finally {
      await runner.stop(1_000);
    }
  });

  it('keeps a ring that comes while it is busy, and looks again instead of waiting', async () => {
    const tenant = await newTenant(gw);
    const signal = new WakeSignal();
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock, { pollMs: 60_000, wakeOn: signal });
    // The first job commits another and rings while the runner is busy with it.
    let first = true;
    queue.handler = async () => {
      if (first) {
        first = false;
        await queueJobs(gw.deps.database.db, tenant, 1, gw.clock.now());
        signal.ring();
      }
      return { ok: true };
    };
    await queueJobs(gw.deps.database.db, tenant, 1, gw.clock.now());
    let completed = 0;
    runner.events.on('completed', () => completed++);
    const both = nextEvent(runner, 'completed', 'both jobs complete', () => completed === 2);
    runner.start();
    try {
      await both;
    } finally {
      await runner.stop(1_000);
    }
  });
});
