import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { eventLog, gate, nextEvent, queueJobs, scriptedRunner } from './scripted-queue.ts';

describe.each(dialects)('stopping a job runner (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
  });
  afterAll(() => gw.close());
  // A runner claims every due job of its database: each test starts with none.
  afterEach(() => gw.deps.database.db.deleteFrom('media').execute());

  const rowsOf = (ids: string[]) => gw.deps.database.db.selectFrom('media').select(['id', 'state', 'locked_by', 'attempts']).where('id', 'in', ids).orderBy('id').execute();

  it('claims nothing more, lets the jobs in flight finish, and only then says it has drained', async () => {
    const ids = await queueJobs(gw.deps.database.db, await newTenant(gw), 4, gw.clock.now());
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock, { concurrency: 2 });
    const release = gate();
    queue.handler = async () => {
      await release.promise;
      return { ok: true };
    };
    const busy = nextEvent(runner, 'idle', 'two jobs running', (e) => e.inFlight === 2);
    runner.start();
    await busy;
    const events = eventLog(runner);
    const stopped = runner.stop(10_000);
    release.open();
    await stopped;
    expect(events.filter((e) => e !== 'idle')).toEqual(['completed', 'completed', 'drained']);
    const rows = await rowsOf(ids);
    expect(rows.filter((r) => r.state === 'stored')).toHaveLength(2);
    // The other two were never claimed: no attempt counted, no lease left behind.
    expect(rows.filter((r) => r.state === 'pending').map((r) => [r.attempts, r.locked_by])).toEqual([
      [0, null],
      [0, null],
    ]);
  });

  it('aborts what is still running once the drain deadline passes, and records it as a failed attempt', async () => {
    const [id] = (await queueJobs(gw.deps.database.db, await newTenant(gw), 1, gw.clock.now())) as [string];
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock);
    queue.handler = (_row, signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve({ ok: false, reason: 'aborted' })));
    const running = nextEvent(runner, 'claimed', 'the job is claimed');
    runner.start();
    await running;
    const drained = nextEvent(runner, 'drained', 'the stop ends');
    await runner.stop(0);
    expect(await drained).toEqual({ left: 1 });
    expect((await rowsOf([id]))[0]).toMatchObject({ state: 'pending', attempts: 1, locked_by: null });
  });
});
