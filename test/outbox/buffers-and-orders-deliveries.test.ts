import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { newWorker, startDeliveringGateway, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

describe.each(dialects)('buffered batches and per-conversation order (%s)', (dialect) => {
  let gw: TestGateway;
  let receiver: Receiver;
  let t: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    gw = await startDeliveringGateway(dialect);
  });
  afterAll(() => gw.close());
  beforeEach(async () => {
    receiver = await startReceiver();
    t = await newTenant(gw);
  });
  afterEach(() => receiver.close());

  const customerWrites = (id: string, waId = '14155550123') =>
    postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage(id, `text of ${id}`, Math.floor(gw.clock.now() / 1000), waId)], waId), t.appSecret);

  it('sends the messages of a buffer window as one signed batch (§8.5), even a batch of one', async () => {
    const sub = await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'], buffer: { windowSeconds: 5, maxSize: 50 } });
    await customerWrites('wamid.B1');
    gw.clock.advance(1_000);
    await customerWrites('wamid.B2');
    await customerWrites('wamid.OTHER', '14155559999');
    const worker = newWorker(gw);

    await worker.runOnce();
    expect(receiver.requests).toHaveLength(0);
    gw.clock.advance(4_000);
    await worker.runOnce();
    expect(receiver.requests).toHaveLength(1);
    // The other conversation's window opened a second later.
    gw.clock.advance(1_000);
    await worker.runOnce();

    expect(receiver.requests).toHaveLength(2);
    const batch = receiver.requests.find((r) => r.json.data.length === 2);
    expect(batch?.headers).toMatchObject({ 'x-webhook-event': 'whatsapp.message.received', 'x-webhook-batch': 'true', 'x-batch-size': '2' });
    expect(batch?.headers['x-webhook-signature']).toBe(createHmac('sha256', sub.secret).update(batch?.body ?? '').digest('hex'));
    expect(batch?.json).toEqual({
      type: 'whatsapp.message.received',
      batch: true,
      data: [
        expect.objectContaining({ message: expect.objectContaining({ id: 'wamid.B1' }), is_new_conversation: true, phone_number_id: t.phoneNumberId }),
        expect.objectContaining({ message: expect.objectContaining({ id: 'wamid.B2' }), is_new_conversation: false }),
      ],
      batch_info: { size: 2, window_ms: 5000, first_sequence: expect.any(Number), last_sequence: expect.any(Number), conversation_id: batch?.json.data[0].conversation.id },
    });
    const single = receiver.requests.find((r) => r.json.data.length === 1);
    expect(single?.headers['x-batch-size']).toBe('1');
    expect(single?.json.data[0].message.id).toBe('wamid.OTHER');
  });

  it('flushes a buffer as soon as it holds max_buffer_size messages', async () => {
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'], buffer: { windowSeconds: 60, maxSize: 3 } });
    for (const id of ['wamid.F1', 'wamid.F2', 'wamid.F3', 'wamid.F4']) await customerWrites(id);
    const worker = newWorker(gw);
    await worker.runOnce();
    expect(receiver.requests.map((r) => r.json.data.map((d: { message: { id: string } }) => d.message.id))).toEqual([['wamid.F1', 'wamid.F2', 'wamid.F3']]);
    gw.clock.advance(60_000);
    await worker.runOnce();
    expect(receiver.requests[1]?.json.data.map((d: { message: { id: string } }) => d.message.id)).toEqual(['wamid.F4']);
  });

  it('re-sends a failed batch as individual deliveries with their own idempotency keys', async () => {
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'], buffer: { windowSeconds: 5, maxSize: 50 } });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 500 : 200);
    await customerWrites('wamid.I1');
    await customerWrites('wamid.I2');
    const worker = newWorker(gw);
    gw.clock.advance(5_000);
    await worker.runOnce();
    gw.clock.advance(10_000);
    await worker.runOnce();
    expect(receiver.requests.map((r) => r.json.data.length)).toEqual([2, 1, 1]);
    const keys = receiver.requests.slice(1).map((r) => r.headers['x-idempotency-key']);
    expect(new Set(keys).size).toBe(2);
  });

  it('sends a conversation’s next event as soon as the one before it is delivered', async () => {
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    for (const id of ['wamid.N1', 'wamid.N2', 'wamid.N3']) await customerWrites(id);
    // No time passes: each delivery is released by the previous one's success, not by the 30 s.
    await newWorker(gw).runOnce();
    expect(receiver.requests.map((r) => r.json.message.id)).toEqual(['wamid.N1', 'wamid.N2', 'wamid.N3']);
  });

  it('holds a conversation’s later events until the earlier one is delivered, for at most 30 s', async () => {
    await subscribe(gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url, events: ['whatsapp.message.received'] });
    let calls = 0;
    receiver.respond = () => (++calls <= 4 ? 503 : 200);
    await customerWrites('wamid.O1');
    await customerWrites('wamid.O2');
    const worker = newWorker(gw);

    await worker.runOnce();
    expect(receiver.requests.map((r) => r.json.message.id)).toEqual(['wamid.O1']);
    gw.clock.advance(10_000);
    await worker.runOnce();
    expect(receiver.requests.map((r) => r.json.message.id)).toEqual(['wamid.O1', 'wamid.O1']);
    // O1's next retry is 40 s away; 30 s after O2 was created it stops waiting (§8.5).
    gw.clock.advance(21_000);
    await worker.runOnce();
    expect(receiver.requests.map((r) => r.json.message.id)).toEqual(['wamid.O1', 'wamid.O1', 'wamid.O2']);
  });
});
