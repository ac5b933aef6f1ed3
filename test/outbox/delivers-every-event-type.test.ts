import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInstant } from '../../src/http/instants.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { newWorker, startDeliveringGatewayAndReceiver, subscribe } from '../helpers/outbox.ts';
import type { Receiver, ReceivedRequest } from '../helpers/receiver.ts';
import { messagesWebhook, statusesWebhook, statusItem, textMessage } from '../helpers/webhooks.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks a delivery the way a receiver following Kapso's docs would: HMAC of the raw body. */
function expectSignedBy(req: ReceivedRequest, secret: string): void {
  const expected = createHmac('sha256', secret).update(req.body).digest('hex');
  expect(req.headers['x-webhook-signature']).toBe(expected);
}

function ofEvent(receiver: Receiver, event: string): ReceivedRequest[] {
  return receiver.requests.filter((r) => r.headers['x-webhook-event'] === event);
}

describe.each(dialects)('webhook deliveries of every event type (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ gw, receiver, close } = await startDeliveringGatewayAndReceiver(dialect));
  });
  afterAll(() => close());

  it('delivers a customer message as conversation.created then message.received, signed, with the v2 payload', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url });
    const res = await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.IN1', 'Is my order ready? 🚚', 1767268800)]), t.appSecret);
    expect(res.statusCode).toBe(200);

    await newWorker(gw).runOnce();

    expect(receiver.requests.map((r) => r.headers['x-webhook-event'])).toEqual(['whatsapp.conversation.created', 'whatsapp.message.received']);
    for (const req of receiver.requests) {
      expectSignedBy(req, sub.secret);
      expect(req.headers).toMatchObject({
        'content-type': 'application/json',
        'x-webhook-payload-version': 'v2',
        'user-agent': expect.stringContaining('Switchboard'),
      });
      expect(req.headers['x-idempotency-key']).toMatch(UUID);
    }
    const [created, received] = receiver.requests as [ReceivedRequest, ReceivedRequest];
    expect(created.json).toEqual({
      conversation: expect.objectContaining({ status: 'active', phone_number: '14155550123', phone_number_id: t.phoneNumberId, kapso: expect.objectContaining({ messages_count: 0, last_message_text: null }) }),
      phone_number_id: t.phoneNumberId,
    });
    expect(received.json).toEqual({
      message: {
        id: 'wamid.IN1',
        timestamp: '1767268800',
        type: 'text',
        from: '14155550123',
        to: t.phoneNumberId,
        text: { body: 'Is my order ready? 🚚' },
        kapso: {
          direction: 'inbound',
          status: 'received',
          processing_status: 'pending',
          origin: 'cloud_api',
          phone_number: '14155550123',
          phone_number_id: t.phoneNumberId,
          has_media: false,
          message_type_data: {},
          content: 'Is my order ready? 🚚',
        },
      },
      conversation: expect.objectContaining({
        id: created.json.conversation.id,
        status: 'active',
        kapso: expect.objectContaining({ contact_name: 'Maya Chen', messages_count: 1, last_message_id: 'wamid.IN1', last_message_text: 'Is my order ready? 🚚' }),
      }),
      is_new_conversation: true,
      phone_number_id: t.phoneNumberId,
    });
    // The body holds no event name (§8.4); the bytes are the compact JSON that was signed.
    expect(received.body).toBe(JSON.stringify(received.json));
  });

  it('delivers sent, delivered, read and failed with the status of the event and the history so far', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url });
    await storeMessages(gw, t.phoneNumberId, [
      { id: 'wamid.OUT1', timestamp: 1767268800, direction: 'outbound', status: 'pending' },
      { id: 'wamid.OUT2', timestamp: 1767268801, direction: 'outbound', status: 'pending' },
    ]);
    const failedErrors = [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Unable to deliver message.' } }];
    for (const item of [statusItem('wamid.OUT1', 'sent', 1767268801), statusItem('wamid.OUT1', 'delivered', 1767268802), statusItem('wamid.OUT1', 'read', 1767268803), statusItem('wamid.OUT2', 'failed', 1767268804, failedErrors)]) {
      expect((await postWebhook(gw, statusesWebhook(t.phoneNumberId, [item]), t.appSecret)).statusCode).toBe(200);
    }

    await newWorker(gw).runOnce();

    const events = receiver.requests.map((r) => r.headers['x-webhook-event']);
    expect(events).toEqual(['whatsapp.conversation.created', 'whatsapp.message.sent', 'whatsapp.message.delivered', 'whatsapp.message.read', 'whatsapp.message.failed']);
    for (const req of receiver.requests) expectSignedBy(req, sub.secret);
    const [sent, delivered, read] = [ofEvent(receiver, 'whatsapp.message.sent')[0], ofEvent(receiver, 'whatsapp.message.delivered')[0], ofEvent(receiver, 'whatsapp.message.read')[0]];
    expect(sent?.json.message.kapso.status).toBe('sent');
    expect(sent?.json.message.kapso.statuses.map((s: { status: string }) => s.status)).toEqual(['sent']);
    expect(delivered?.json.message.kapso.status).toBe('delivered');
    expect(delivered?.json.message.kapso.statuses.map((s: { status: string }) => s.status)).toEqual(['sent', 'delivered']);
    expect(read?.json.message).toMatchObject({ id: 'wamid.OUT1', to: '14155550123', kapso: { direction: 'outbound', status: 'read' } });
    expect(read?.json.is_new_conversation).toBe(false);
    const failed = ofEvent(receiver, 'whatsapp.message.failed')[0];
    expect(failed?.json.message.kapso.status).toBe('failed');
    expect(failed?.json.message.kapso.statuses.at(-1)).toMatchObject({ status: 'failed', errors: [{ code: 131026 }] });
  });

  it('delivers conversation.ended when the conversation is ended through the API', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.conversation.ended'] });
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.END1', 'bye', 1767268800)]), t.appSecret);
    const list = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/conversations`, headers: { 'x-api-key': t.apiKey } });
    const conversationId = list.json().data[0].id as string;
    const patch = () => gw.app.inject({ method: 'PATCH', url: `/v24.0/conversations/${conversationId}`, headers: { 'x-api-key': t.apiKey }, payload: { status: 'ended' } });
    expect((await patch()).statusCode).toBe(200);
    // Ending it again changes nothing and fires nothing.
    expect((await patch()).statusCode).toBe(200);

    await newWorker(gw).runOnce();

    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.json).toEqual({
      conversation: expect.objectContaining({ id: conversationId, status: 'ended', kapso: expect.objectContaining({ messages_count: 1 }) }),
      phone_number_id: t.phoneNumberId,
    });
  });

  it('delivers conversation.ended from the lifecycle sweep and conversation.inactive once per quiet period', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.conversation.inactive', 'whatsapp.conversation.ended'], inactivityMinutes: 30 });
    const nowSeconds = Math.floor(gw.clock.now() / 1000);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.Q1', 'anyone there?', nowSeconds)]), t.appSecret);
    const worker = newWorker(gw);

    gw.clock.advance(29 * 60_000);
    await worker.runOnce();
    expect(receiver.requests).toHaveLength(0);

    gw.clock.advance(2 * 60_000);
    await worker.runOnce();
    await worker.runOnce();
    expect(receiver.requests.map((r) => r.headers['x-webhook-event'])).toEqual(['whatsapp.conversation.inactive']);
    expect(receiver.requests[0]?.json).toEqual({
      conversation: expect.objectContaining({ status: 'active', phone_number_id: t.phoneNumberId }),
      since_message: { id: expect.any(String), whatsapp_message_id: 'wamid.Q1', direction: 'inbound', created_at: formatInstant(nowSeconds * 1000) },
      inactivity: { minutes: 30 },
      phone_number_id: t.phoneNumberId,
    });
    expect(receiver.requests[0]?.json.conversation.kapso).toBeUndefined();

    // 24 h of silence: the sweep ends it, in the same transaction as its event.
    gw.clock.advance(24 * 3_600_000);
    const { endInactiveConversations } = await import('../../src/conversations/sweep.ts');
    await endInactiveConversations(gw.deps, gw.clock.now());
    await worker.runOnce();
    // Other tests' numbers have quiet conversations too: only this number's deliveries count.
    const mine = receiver.requests.filter((r) => r.json.phone_number_id === t.phoneNumberId);
    expect(mine.map((r) => r.headers['x-webhook-event'])).toEqual(['whatsapp.conversation.inactive', 'whatsapp.conversation.ended']);
  });

  it('sends nothing for events no subscription of the number asked for, and nothing to another number', async () => {
    receiver.requests.length = 0;
    const t = await newTenant(gw);
    const other = await newTenant(gw);
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.read'] });
    await subscribe(gw, { projectId: other.projectId, phoneNumberId: other.phoneNumberId, url: `${receiver.url}?other`, events: ['whatsapp.message.received'] });
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.NONE', 'hi', 1767268800)]), t.appSecret);
    await newWorker(gw).runOnce();
    expect(receiver.requests).toHaveLength(0);
  });
});
