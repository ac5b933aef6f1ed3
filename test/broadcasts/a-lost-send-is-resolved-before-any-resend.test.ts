import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueRecipients } from '../../src/broadcasts/claim-store.ts';
import { templateSendOf } from '../../src/broadcasts/send-body.ts';
import type { StoredTemplate } from '../../src/broadcasts/template.ts';
import { readJson } from '../../src/db/json.ts';
import { dialects } from '../helpers/dialects.ts';
import { platform } from '../helpers/broadcasts.ts';
import { acceptedPerCustomer, broadcastOf, draftBroadcast, saleRecipients, startBroadcastWorkers } from '../helpers/broadcast-worker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

/**
 * Meta has no idempotency key: a worker that dies between Meta's answer and its own write leaves
 * a recipient whose send may or may not have happened. The gateway must find out from Meta's
 * status webhooks, which carry the send's tag, before it ever sends that recipient again.
 */
describe.each(dialects)('a send lost with the worker that made it (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, {}, { isolated: true });
  });
  afterAll(() => env.close());

  it('is recorded as sent when a status webhook names its tag, and sent again only when none does in time', async () => {
    const t = await env.newTenant();
    const { db } = env.gw.deps.database;
    const id = await draftBroadcast(env, t, saleRecipients(2, 400));
    await platform(env, t.apiKey, 'POST', `/broadcasts/${id}/send`);

    // A worker claims both recipients, sends the first to Meta, and dies before writing anything.
    const claimed = await claimDueRecipients(db, { phoneNumberId: t.phoneNumberId, workerId: 'worker-that-dies', now: env.gw.clock.now(), leaseMs: 30_000, limit: 10 });
    expect(claimed.map((r) => r.phone_number)).toEqual(['14157770400', '14157770401']);
    const [sentByTheDead] = claimed;
    const broadcast = await db.selectFrom('broadcasts').select('template').where('id', '=', id).executeTakeFirstOrThrow();
    const res = await fetch(`${env.simulatorUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(templateSendOf(readJson<StoredTemplate>(broadcast.template), sentByTheDead!)),
    });
    expect(res.status).toBe(200);
    const wamid = (await res.json()).messages[0].id as string;
    // Meta's statuses for that message reach the gateway, which has no message by that id.
    await waitFor('the statuses of the lost send arrived', async () => (await db.selectFrom('message_statuses').select('status').where('message_id', '=', wamid).execute()).length >= 3);

    // The lease runs out; a new worker starts.
    env.gw.clock.advance(31_000);
    const workers = startBroadcastWorkers(env);
    try {
      await waitFor('the first recipient resolved as sent, with its receipts', async () => {
        const b = await broadcastOf(env, t.apiKey, id);
        return b.sent_count === 1 && b.read_count === 1;
      });
      const page = await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`);
      expect(page.body.data[0]).toMatchObject({ phone_number: '14157770400', status: 'sent', wamid, delivered_at: expect.any(String), read_at: expect.any(String) });
      // The second has no evidence: it waits (BROADCAST_OUTCOME_WAIT_MS) rather than risk a second send.
      expect(page.body.data[1]).toMatchObject({ phone_number: '14157770401', status: 'pending' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(acceptedPerCustomer(env, t.phoneNumberId)).toEqual(new Map([['14157770400', 1]]));
      expect((await broadcastOf(env, t.apiKey, id)).status).toBe('sending');
      // The lost send's message is in the history, as if its worker had lived.
      const message = await fetch(`${env.gatewayUrl}/v24.0/${t.phoneNumberId}/messages/${wamid}`, { headers: { 'x-api-key': t.apiKey } });
      expect(message.status).toBe(200);

      // No status webhook named it for the whole wait: Meta never accepted it, so it is sent now.
      env.gw.clock.advance(env.gw.deps.config.broadcasts.outcomeWaitMs);
      await waitFor('the broadcast completed', async () => (await broadcastOf(env, t.apiKey, id)).status === 'completed');
      expect(acceptedPerCustomer(env, t.phoneNumberId)).toEqual(new Map([['14157770400', 1], ['14157770401', 1]]));
      expect(await broadcastOf(env, t.apiKey, id)).toMatchObject({ sent_count: 2, pending_count: 0, failed_count: 0 });
    } finally {
      await workers.stop();
    }
  });
});
