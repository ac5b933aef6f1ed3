import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { eventLog, queueJobs, SCHEDULE_MS, scriptedRunner } from './scripted-queue.ts';

describe.each(dialects)('a job whose handler throws (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
  });
  afterAll(() => gw.close());

  it('is recorded as a failed attempt, due again after the backoff, and runs again only then', async () => {
    const [id] = (await queueJobs(gw.deps.database.db, await newTenant(gw), 1, gw.clock.now())) as [string];
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock);
    const events = eventLog(runner);
    let calls = 0;
    queue.handler = async () => {
      if (++calls === 1) throw new Error('the handler fell over');
      return { ok: true };
    };
    const row = () => gw.deps.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    expect(await runner.runOnce()).toBe(1);
    expect(events).toEqual(['claimed', 'failed']);
    expect(await row()).toMatchObject({ state: 'pending', attempts: 1, locked_by: null, failure_reason: 'crashed: the handler fell over', next_attempt_at: gw.clock.now() + (SCHEDULE_MS[0] as number) });

    gw.clock.advance((SCHEDULE_MS[0] as number) - 1);
    expect(await runner.runOnce()).toBe(0);
    gw.clock.advance(1);
    expect(await runner.runOnce()).toBe(1);
    expect(events).toEqual(['claimed', 'failed', 'claimed', 'completed']);
    expect(await row()).toMatchObject({ state: 'stored', attempts: 2, locked_by: null });
    await runner.stop(0);
  });

  it('fails for good once the next attempt would fall past its deadline', async () => {
    const [id] = (await queueJobs(gw.deps.database.db, await newTenant(gw), 1, gw.clock.now())) as [string];
    const { queue, runner } = scriptedRunner(gw.deps, gw.clock);
    queue.handler = async () => {
      throw new Error('always');
    };
    // A day after the job was made, its deadline (scripted-queue.ts) leaves no room for a retry.
    gw.clock.advance(86_400_000 - 1_000);
    expect(await runner.runOnce()).toBe(1);
    const row = await gw.deps.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'failed', failure_reason: 'crashed: always', locked_by: null });
    await runner.stop(0);
  });
});
