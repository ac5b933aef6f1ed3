import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappConfigId } from '../../src/tenants/config-id.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { api, DELIVERIES, iso } from './delivery-log-helpers.ts';

describe.each(dialects)('delivery log attempts and body (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  beforeAll(async () => {
    gw = await startGateway(dialect, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_TIMEOUT_MS: '1000' }, { isolated: true });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await gw.close();
  });

  it('lists a delivery retried after a 500 with both attempts, its conversation and its subscription', async () => {
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 500 : 200);
    const createdAt = gw.clock.now();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.LOG1', 'hello', Math.floor(createdAt / 1000), '14155550123')], '14155550123'), t.appSecret);
    const worker = newWorker(gw);
    await worker.runOnce();
    gw.clock.advance(10_000);
    await worker.runOnce();

    const res = await api(gw, t.apiKey, 'GET', DELIVERIES);
    expect(res.statusCode).toBe(200);
    const { data, paging } = res.json();
    expect(data).toEqual([
      {
        id: expect.any(String),
        event: 'whatsapp.message.received',
        attempt_count: 2,
        created_at: iso(createdAt),
        response_status: 200,
        delivered_at: iso(createdAt + 10_000),
        failed_at: null,
        last_attempt_at: iso(createdAt + 10_000),
        webhook_id: sub.id,
        webhook_url: receiver.url,
        whatsapp_config_id: whatsappConfigId(t.phoneNumberId),
        phone_number_id: t.phoneNumberId,
        conversation_phone_number: '14155550123',
        status: 'delivered',
        next_attempt_at: null,
        last_error: null,
      },
    ]);
    expect(paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
  });

  it('shows every attempt of a delivery and the exact body the receiver got', async () => {
    const t = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    receiver.requests.length = 0;
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 500 : 200);
    const start = gw.clock.now();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.LOG2', 'hi there', Math.floor(start / 1000), '14155550124')], '14155550124'), t.appSecret);
    const worker = newWorker(gw);
    await worker.runOnce();
    const pending = (await api(gw, t.apiKey, 'GET', DELIVERIES)).json().data[0];
    expect(pending).toMatchObject({ status: 'pending', attempt_count: 1, response_status: 500, next_attempt_at: iso(start + 10_000), last_error: 'http_status: receiver answered 500' });
    gw.clock.advance(10_000);
    await worker.runOnce();

    const res = await api(gw, t.apiKey, 'GET', `${DELIVERIES}/${pending.id}`);
    expect(res.statusCode).toBe(200);
    const { data } = res.json();
    expect(data).toMatchObject({ id: pending.id, status: 'delivered', attempt_count: 2, last_error: null });
    expect(data.attempts).toEqual([
      {
        attempt: 1,
        started_at: iso(start),
        duration_ms: 0,
        response_status: 500,
        error_class: 'http_status',
        error_message: 'receiver answered 500',
        response_excerpt: '{"error":"nope"}',
        batch_size: 1,
      },
      { attempt: 2, started_at: iso(start + 10_000), duration_ms: 0, response_status: 200, error_class: null, error_message: null, response_excerpt: '{"ok":true}', batch_size: 1 },
    ]);
    expect(receiver.requests).toHaveLength(2);
    expect(data.body).toBe(receiver.requests[1]?.body);
    expect(JSON.parse(data.body).message.id).toBe('wamid.LOG2');
  });

  it('answers an unknown delivery id with 404 in Meta’s envelope', async () => {
    const t = await newTenant(gw);
    const res = await api(gw, t.apiKey, 'GET', `${DELIVERIES}/3f1b8c4e-0000-4000-8000-000000000000`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        message: "Unsupported get request. Object with ID '3f1b8c4e-0000-4000-8000-000000000000' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        error_data: { messaging_product: 'whatsapp', details: 'Unknown webhook delivery.' },
        fbtrace_id: expect.any(String),
      },
    });
  });
});
