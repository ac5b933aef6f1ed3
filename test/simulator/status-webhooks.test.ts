import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, openWindow, send, signatureIsValid, startReceiver, startSimulator, statusesOf, T0, testClock, textBody } from './helpers.ts';

const template = { messaging_product: 'whatsapp', to: CUSTOMER, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } };

describe('status webhooks for accepted sends (meta-cloud-api.md §1.7, §7.14)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = async (options: SimulatorOptions = {}) => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, clock: testClock(), ...options });
    openWindow(sim);
    await sim.flush();
    receiver.received.length = 0;
  };
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('delivers sent, delivered, read in order, signed with the app secret over the exact bytes', async () => {
    await start({ statusDelaysMs: { sent: 5, delivered: 15, read: 30 } });
    const wamid = (await send(sim, { ...textBody(), biz_opaque_callback_data: 'order-4471' })).json().messages[0].id;
    await sim.flush();
    expect(receiver.received).toHaveLength(3);
    for (const webhook of receiver.received) expect(signatureIsValid(webhook.raw, webhook.signature, NUMBER.app_secret)).toBe(true);
    const pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
    const ts = String(Math.floor(T0 / 1000));
    expect(statusesOf(receiver.received)).toEqual([
      { id: wamid, status: 'sent', timestamp: ts, recipient_id: CUSTOMER, biz_opaque_callback_data: 'order-4471', pricing },
      { id: wamid, status: 'delivered', timestamp: ts, recipient_id: CUSTOMER, biz_opaque_callback_data: 'order-4471', pricing },
      { id: wamid, status: 'read', timestamp: ts, recipient_id: CUSTOMER, biz_opaque_callback_data: 'order-4471' },
    ]);
    expect(receiver.received[0]?.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: NUMBER.waba_id,
          changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: NUMBER.display_phone_number, phone_number_id: NUMBER.phone_number_id }, statuses: [expect.any(Object)] } }],
        },
      ],
    });
    expect(sim.state.messagesById.get(wamid)?.status).toBe('read');
  });

  it('bills templates outside the window as regular', async () => {
    await start();
    await send(sim, { ...template, to: '14155550999' });
    await sim.flush();
    expect(statusesOf(receiver.received)[0]?.pricing).toEqual({ billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' });
  });

  it('adds a conversation object on Graph v23.0 and older only', async () => {
    await start();
    await send(sim, template, { version: 'v23.0' });
    await sim.flush();
    const [sent, delivered, read] = statusesOf(receiver.received);
    expect(sent?.conversation).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), expiration_timestamp: String(Math.floor(T0 / 1000) + 86400), origin: { type: 'utility' } });
    expect(delivered?.conversation).toEqual({ id: (sent?.conversation as { id: string }).id, origin: { type: 'utility' } });
    expect(read?.conversation).toBeUndefined();
  });

  it('sends only sent for reactions', async () => {
    await start();
    const inbound = openWindow(sim);
    await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'reaction', reaction: { message_id: inbound, emoji: '\u{1F44D}' } });
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent']);
  });

  it('fails a reaction to an unknown message with 131009 by webhook', async () => {
    await start();
    const res = await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'reaction', reaction: { message_id: 'wamid.nope', emoji: 'x' } });
    expect(res.statusCode).toBe(200);
    await sim.flush();
    expect(statusesOf(receiver.received)).toEqual([expect.objectContaining({ status: 'failed', errors: [expect.objectContaining({ code: 131009 })] })]);
  });

  it('adds played after read for voice notes', async () => {
    await start();
    await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'audio', audio: { link: 'https://x.example/v.ogg', voice: true } });
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read', 'played']);
  });

  it('sends only read when it coincides with delivered and collapsing is on', async () => {
    await start({ collapseDeliveredIntoRead: true });
    await send(sim, textBody());
    await sim.flush();
    const statuses = statusesOf(receiver.received);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'read']);
    expect(statuses[1]?.pricing).toBeDefined();
  });

  it('escapes non-ASCII as \\uXXXX in the bytes it signs', async () => {
    await start();
    await send(sim, { ...textBody(), biz_opaque_callback_data: 'caf\u00e9 \u{1F600}' });
    await sim.flush();
    const raw = receiver.received[0]?.raw ?? '';
    expect(raw).toContain('caf\\u00e9 \\ud83d\\ude00');
    expect([...raw].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(signatureIsValid(raw, receiver.received[0]?.signature, NUMBER.app_secret)).toBe(true);
  });

  it("uses a number's own webhook_url over the default", async () => {
    await start();
    const other = await startReceiver();
    sim.registerNumber({ ...NUMBER, webhook_url: other.url });
    await send(sim, textBody());
    await sim.flush();
    expect(receiver.received).toHaveLength(0);
    expect(statusesOf(other.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    await other.close();
  });
});
