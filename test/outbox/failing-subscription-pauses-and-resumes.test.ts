import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newWorker, startDeliveringGatewayAndReceiver, subscribe } from '../helpers/outbox.ts';
import type { Receiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const MINUTE = 60_000;

describe.each(dialects)('a subscription that keeps failing (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gw, receiver, close } = await startDeliveringGatewayAndReceiver(dialect));
  });
  afterAll(() => close());

  it('is paused after failing for six hours, holds its deliveries, and delivers them when resumed', async () => {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    receiver.respond = () => 500;
    for (let i = 0; i < 5; i++) {
      const waId = `1415555020${i}`;
      await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(`wamid.P${i}`, 'hello?', Math.floor(gw.clock.now() / 1000), waId)], waId), t.appSecret);
    }
    const worker = newWorker(gw);
    const webhookRow = () => gw.deps.database.db.selectFrom('webhooks').selectAll().where('id', '=', sub.id).executeTakeFirstOrThrow();

    for (let step = 0; step < 7 * 6; step++) {
      await worker.runOnce();
      gw.clock.advance(10 * MINUTE);
    }
    const paused = await webhookRow();
    expect(paused.paused_at).not.toBeNull();
    expect(paused.consecutive_failures).toBeGreaterThanOrEqual(20);

    // Paused: nothing is attempted, whatever is due; the deliveries wait, pending.
    const attempted = receiver.requests.length;
    gw.clock.advance(60 * MINUTE);
    await worker.runOnce();
    expect(receiver.requests).toHaveLength(attempted);
    const shown = await gw.app.inject({ method: 'GET', url: `/platform/v1/whatsapp/webhooks/${sub.id}`, headers: { 'x-api-key': t.apiKey } });
    expect(shown.json().data).toMatchObject({ paused: true, active: true });

    receiver.respond = () => 200;
    const resumed = await gw.app.inject({
      method: 'PATCH',
      url: `/platform/v1/whatsapp/webhooks/${sub.id}`,
      headers: { 'x-api-key': t.apiKey },
      payload: { whatsapp_webhook: { active: true } },
    });
    expect(resumed.statusCode).toBe(200);
    expect(resumed.json().data).toMatchObject({ paused: false, paused_at: null });
    await worker.runOnce();

    const delivered = receiver.requests.slice(attempted).map((r) => r.json.message.id).sort();
    expect(delivered).toEqual(['wamid.P0', 'wamid.P1', 'wamid.P2', 'wamid.P3', 'wamid.P4']);
    expect(await webhookRow()).toMatchObject({ paused_at: null, consecutive_failures: 0, failing_since: null });
  });

  it('is not paused by a short outage', async () => {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    let calls = 0;
    receiver.respond = () => (++calls <= 3 ? 503 : 200);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.SHORT', 'hi', Math.floor(gw.clock.now() / 1000))]), t.appSecret);
    const worker = newWorker(gw);
    for (let step = 0; step < 10; step++) {
      await worker.runOnce();
      gw.clock.advance(MINUTE);
    }
    const row = await gw.deps.database.db.selectFrom('webhooks').selectAll().where('id', '=', sub.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ paused_at: null, consecutive_failures: 0, failing_since: null });
  });
});
