import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { runExclusively } from '../../src/db/exclusive-run.ts';
import { runRetention } from '../../src/retention/scheduled-prune.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newStore, startMediaGateway } from '../media/helpers.ts';
import { DAY_S, historyCounts, messageIdsOf, seedHistory } from './helpers.ts';

describe.each(dialects)('RETENTION_DAYS (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    // Its own database: the scheduled run prunes every project.
    gw = await startMediaGateway(dialect, newStore('file', undefined).store, { RETENTION_DAYS: '30' }, { isolated: true });
  });
  afterAll(() => gw.close());

  it('a scheduled run prunes every project older than RETENTION_DAYS as of the clock', async () => {
    const a = await newTenant(gw);
    const b = await newTenant(gw);
    const seededA = await seedHistory(gw, a);
    const seededB = await seedHistory(gw, b);
    expect(gw.deps.config.retention.days).toBe(30);

    const report = await runRetention(gw.deps, 30);
    expect(report).toMatchObject({ messages: 8, statuses: 8, media: 4, blobs: 2, conversations: 2 });
    expect(await messageIdsOf(gw, a.phoneNumberId)).toEqual([...seededA.recent].sort());
    expect(await messageIdsOf(gw, b.phoneNumberId)).toEqual([...seededB.recent].sort());

    // 31 days on, each tenant's message of Ana from 29 days ago is past retention too; a run that finds nothing new is harmless.
    gw.clock.advance(2 * DAY_S * 1000);
    expect((await runRetention(gw.deps, 30))?.messages).toBe(2);
    expect((await runRetention(gw.deps, 30))?.messages).toBe(0);
    expect((await historyCounts(gw, a.phoneNumberId)).messages).toBe(1);
  });

  it.runIf(dialect === 'postgres')('runs in one process at a time: a run while another holds the prune is skipped', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = runExclusively(gw.deps.database.db, 'retention:prune', () => held);
    await new Promise((r) => setTimeout(r, 100));
    expect(await runRetention(gw.deps, 30)).toBeNull();
    release();
    expect(await first).toBe(true);
    expect(await runRetention(gw.deps, 30)).not.toBeNull();
  });

  it('refuses a RETENTION_DAYS that is not a whole number of days, naming the variable', () => {
    for (const bad of ['0', '-5', '30.5', 'forever', '']) {
      expect(() => loadConfig({ RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS must be a whole number of days, 1 or more/);
    }
    expect(loadConfig({}).retention.days).toBeNull();
  });
});
