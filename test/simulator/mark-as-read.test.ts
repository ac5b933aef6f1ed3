import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { fbtrace, openWindow, send, startReceiver, startSimulator } from './helpers.ts';

describe('mark as read and typing indicator (meta-cloud-api.md §2.4)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('answers success, marks the message and earlier ones, and sends no status webhook', async () => {
    const first = openWindow(sim);
    const second = openWindow(sim);
    await sim.flush();
    const before = receiver.received.length;
    const res = await send(sim, { messaging_product: 'whatsapp', status: 'read', message_id: second });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(sim.state.messagesById.get(first)?.markedRead).toBe(true);
    expect(sim.state.messagesById.get(second)?.markedRead).toBe(true);
    await sim.flush();
    expect(receiver.received.length).toBe(before);
  });

  it('accepts a typing indicator', async () => {
    const inbound = openWindow(sim);
    const res = await send(sim, { messaging_product: 'whatsapp', status: 'read', message_id: inbound, typing_indicator: { type: 'text' } });
    expect(res.json()).toEqual({ success: true });
    expect(sim.state.messagesById.get(inbound)?.typingIndicator).toBe(true);
  });

  it('answers 131009 for a wamid this number never received', async () => {
    const res = await send(sim, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        message: '(#131009) Parameter value is not valid',
        type: 'OAuthException',
        code: 131009,
        error_data: { messaging_product: 'whatsapp', details: "Param message_id 'wamid.unknown' is not a message received by this phone number." },
        fbtrace_id: fbtrace,
      },
    });
  });

  it('answers 131009 for one of our own outbound wamids', async () => {
    openWindow(sim);
    const sent = (await send(sim, { messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'x' } })).json().messages[0].id;
    const res = await send(sim, { messaging_product: 'whatsapp', status: 'read', message_id: sent });
    expect(res.json().error.code).toBe(131009);
  });
});
