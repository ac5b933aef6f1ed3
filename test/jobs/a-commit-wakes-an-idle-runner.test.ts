import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdleWait } from '../../src/jobs/idle-wait.ts';
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
      // A poll would have come a minute later; the claim followed the ring. (While the job runs,
      // the loop may look again and go idle before the completion is recorded, so only the
      // order up to the claim is fixed.)
      expect(events.slice(0, 3)).toEqual(['idle', 'woken', 'claimed']);
      expect(events.indexOf('completed')).toBeGreaterThan(2);
    } finally {
      await runner.stop(1_000);
    }
  });
});

describe('the idle wait', () => {
  it('returns at once, woken, when the wake came while the runner was busy', async () => {
    const wait = new IdleWait();
    wait.wake();
    expect(await wait.wait(60_000)).toBe(true);
  });

  it('keeps one early wake only: the wait after it runs its course', async () => {
    const wait = new IdleWait();
    wait.wake();
    wait.wake();
    expect(await wait.wait(60_000)).toBe(true);
    expect(await wait.wait(0)).toBe(false);
  });

  it('ends a wait under way when woken', async () => {
    const wait = new IdleWait();
    const waiting = wait.wait(60_000);
    wait.wake();
    expect(await waiting).toBe(true);
  });
});
