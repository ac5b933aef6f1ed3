import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { CUSTOMER, messagesOf, openWindow, send, startReceiver, startSimulator, statusesOf, textBody } from './helpers.ts';

describe('autoReply: a simulated customer who answers', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = async (options: SimulatorOptions = {}) => {
    receiver = await startReceiver();
    sim = await startSimulator({
      webhookUrl: receiver.url,
      autoReply: (m) => (m.type === 'text' ? { type: 'text', text: { body: `You said: ${(m.payload.text as { body: string }).body}` } } : null),
      ...options,
    });
    openWindow(sim);
    await sim.flush();
    receiver.received.length = 0;
  };
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  it('answers after the read status, quoting nothing, under the profile name it used before', async () => {
    await start({ statusDelaysMs: { sent: 1, delivered: 2, read: 5 } });
    await send(sim, textBody('ping'));
    await sim.flush();
    expect(statusesOf(receiver.received).map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    expect(messagesOf(receiver.received)).toEqual([expect.objectContaining({ from: CUSTOMER, type: 'text', text: { body: 'You said: ping' } })]);
    expect(receiver.received.at(-1)?.body.entry[0]?.changes[0]?.value.contacts).toEqual([{ profile: { name: 'Maya Chen' }, wa_id: CUSTOMER }]);
  });

  it('does not answer messages it returns null for, nor failed ones', async () => {
    await start();
    await sim.app.inject({ method: 'POST', url: '/_simulator/recipients/14155550999', payload: { fail_with: 131026 } });
    await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'location', location: { latitude: '1', longitude: '2' } });
    openWindow(sim, '14155550999');
    await sim.flush();
    receiver.received.length = 0;
    await send(sim, textBody('ping', '+14155550999'));
    await sim.flush();
    expect(messagesOf(receiver.received)).toEqual([]);
  });
});
