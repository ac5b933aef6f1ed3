import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { platform } from '../helpers/broadcasts.ts';
import { acceptedPerCustomer, broadcastOf, draftBroadcast, saleRecipients, startBroadcastWorkers } from '../helpers/broadcast-worker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('a broadcast Meta throttles (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    // Meta takes one message a second from the number, far below what the gateway believes.
    env = await startGatewayWithSimulator(dialect, { maxMessagesPerSecond: 1 }, {}, { isolated: true });
  });
  afterAll(() => env.close());

  it('keeps refused recipients pending and retries them after Meta’s 4^X seconds until each is sent once', { timeout: 60_000 }, async () => {
    const t = await env.newTenant();
    const id = await draftBroadcast(env, t, saleRecipients(4, 500));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);
    const workers = startBroadcastWorkers(env);
    try {
      await waitFor('some sends refused with 130429', () => env.sim.state.sends.recipients({ phoneNumberId: t.phoneNumberId }).some((r) => (r.refused.get(130429) ?? 0) > 0));
      await waitFor('the refused recipients recorded as due again', async () => {
        const rows = await env.gw.deps.database.db.selectFrom('broadcast_recipients').select(['status', 'attempts', 'locked_by']).where('broadcast_id', '=', id).execute();
        return rows.some((r) => r.status === 'pending' && r.attempts >= 1 && r.locked_by === null);
      });
      const waiting = await broadcastOf(env, t.apiKey, id);
      expect(waiting).toMatchObject({ status: 'sending', failed_count: 0 });
      expect(waiting.pending_count).toBeGreaterThan(0);
      // Time passes (the gateway's clock): each retry comes due after 1 s, 4 s, 16 s… (an hour at
      // most); Meta still takes one a second of real time.
      await waitFor('the broadcast completed', async () => {
        env.gw.clock.advance(3_600_000);
        return (await broadcastOf(env, t.apiKey, id)).status === 'completed';
      }, { intervalMs: 500, timeoutMs: 45_000 });
      expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ sent_count: 4, failed_count: 0, pending_count: 0 });
      expect([...acceptedPerCustomer(env, t.phoneNumberId).values()]).toEqual([1, 1, 1, 1]);
    } finally {
      await workers.stop();
    }
  });
});
