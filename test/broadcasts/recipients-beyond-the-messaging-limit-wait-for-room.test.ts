import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform } from '../helpers/broadcasts.ts';
import { acceptedPerCustomer, broadcastOf, draftBroadcast, saleRecipients, startBroadcastWorkers } from '../helpers/broadcast-worker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('a broadcast larger than its number’s messaging limit (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, {}, { isolated: true });
  });
  afterAll(() => env.close());

  it('sends up to the limit, keeps the rest pending instead of failing, and sends them when room frees up', { timeout: 60_000 }, async () => {
    const t = await env.newTenant();
    await env.gw.deps.database.db.updateTable('phone_numbers').set({ messaging_limit_tier: 'TIER_50', messaging_limit_source: 'operator' }).where('id', '=', t.phoneNumberId).execute();
    const id = await draftBroadcast(env, t, saleRecipients(53, 900));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    const workers = startBroadcastWorkers(env);
    try {
      await waitFor('the limit reached', async () => (await broadcastOf(env, t.apiKey, id)).sent_count === 50, { timeoutMs: 30_000 });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ status: 'sending', sent_count: 50, pending_count: 3, failed_count: 0 });
      expect(acceptedPerCustomer(env, t.phoneNumberId).size).toBe(50);
      // A day later the first customers leave the moving 24 h: the three left go.
      env.gw.clock.advance(24 * 3_600_000 + 1_000);
      await waitFor('the broadcast completed', async () => (await broadcastOf(env, t.apiKey, id)).status === 'completed', { timeoutMs: 30_000 });
      expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ sent_count: 53, pending_count: 0 });
      expect([...acceptedPerCustomer(env, t.phoneNumberId).values()].every((n) => n === 1)).toBe(true);
    } finally {
      await workers.stop();
    }
  });
});
