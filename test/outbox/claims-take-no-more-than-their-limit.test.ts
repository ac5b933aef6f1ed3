import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueDeliveries } from '../../src/outbox/delivery-store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { startDeliveringGateway, subscribe } from '../helpers/outbox.ts';
import { insertDelivery } from './delivery-log-helpers.ts';

describe.each(dialects)('claiming due deliveries (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startDeliveringGateway(dialect);
  });
  afterAll(() => gw.close());

  it('claims at most its limit, oldest first, and never a row twice', async () => {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: 'http://127.0.0.1:9/hook' });
    const now = gw.clock.now();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await insertDelivery(gw, { projectId: t.projectId, webhookId: sub.id, status: 'pending', createdAt: now - 40_000 + i }));
    const claim = (workerId: string) => claimDueDeliveries(gw.deps.database.db, { workerId, now, leaseMs: 15_000, limit: 3 });

    const first = await claim('w1');
    const second = await claim('w2');
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(3);
    expect(first.map((d) => d.id)).toEqual(ids.slice(0, 3));
    expect(second.map((d) => d.id)).toEqual(ids.slice(3, 6));
    expect(first.every((d) => d.locked_by === 'w1' && d.next_attempt_at === now + 15_000)).toBe(true);
  });
});
