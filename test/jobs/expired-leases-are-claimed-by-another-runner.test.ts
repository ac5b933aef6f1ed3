import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps, createLogger } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { gate, nextEvent, queueJobs, scriptedRunner } from './scripted-queue.ts';

const LEASE_MS = 30_000;

describe.each(dialects)('a runner that stops answering mid-job, as a killed process does (%s)', (dialect) => {
  let gw: TestGateway;
  let other: Deps;
  beforeAll(async () => {
    gw = await startGateway(dialect, {}, { isolated: true });
    // The second runner has a connection of its own, as a separate process would.
    other = createDeps(gw.deps.config, { clock: gw.clock, log: createLogger('silent') });
  });
  afterAll(async () => {
    await other.database.close();
    await gw.close();
  });

  it('keeps its job from other runners until the lease runs out; then another runs it, and the first can no longer record it', async () => {
    const [id] = (await queueJobs(gw.deps.database.db, await newTenant(gw), 1, gw.clock.now())) as [string];
    // Neither renews: the dead one would not, and the live one's renewals are not under test here.
    const dead = scriptedRunner(gw.deps, gw.clock, { leaseMs: LEASE_MS, renews: false });
    const live = scriptedRunner(other, gw.clock, { leaseMs: LEASE_MS, renews: false });
    const stuck = gate<{ ok: true }>();
    dead.queue.handler = () => stuck.promise;
    const claimed = nextEvent(dead.runner, 'claimed', 'the first runner claims the job');
    dead.runner.start();
    await claimed;

    expect(await live.runner.runOnce()).toBe(0);
    gw.clock.advance(LEASE_MS - 1);
    expect(await live.runner.runOnce()).toBe(0);
    gw.clock.advance(1);
    expect(await live.runner.runOnce()).toBe(1);
    const row = () => gw.deps.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ state: 'stored', storage_key: live.queue.workerId, attempts: 2, locked_by: null });

    // The first runner comes back to life and records its outcome: its lease is gone, so nothing changes.
    const late = nextEvent(dead.runner, 'completed', 'the first runner records its late outcome');
    stuck.open({ ok: true });
    await late;
    expect(await row()).toMatchObject({ state: 'stored', storage_key: live.queue.workerId });
    await dead.runner.stop(0);
    await live.runner.stop(0);
  });
});
