import { describe, expect, it } from 'vitest';
import { CUSTOMER, NUMBER, send, startReceiver, startSimulator, testClock, textBody } from './helpers.ts';

/**
 * One scripted session; returns every id handed out and every webhook body received. Flushing
 * after each step makes the cross-step order exact too (webhooks run on real timers).
 */
async function session(seed: number) {
  const receiver = await startReceiver();
  const sim = await startSimulator({ seed, clock: testClock(), webhookUrl: receiver.url, faults: { duplicateRate: 0.5, shuffle: true } });
  const inbound = sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'image', image: { caption: 'this one' } } });
  await sim.flush();
  const sent: string[] = [];
  for (let i = 0; i < 3; i++) {
    sent.push((await send(sim, textBody(`reply ${i}`))).json().messages[0].id);
    await sim.flush();
  }
  const template = await sim.app.inject({
    method: 'POST',
    url: `/v24.0/${NUMBER.waba_id}/message_templates`,
    headers: { authorization: `Bearer ${NUMBER.access_token}` },
    payload: { name: 'x', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi' }] },
  });
  const error = (await send(sim, { to: CUSTOMER })).json().error.fbtrace_id;
  await sim.flush();
  const result = { inbound: inbound.id, sent, template: template.json().id, error, bodies: receiver.received.map((w) => w.raw) };
  await sim.close();
  await receiver.close();
  return result;
}

describe('determinism with a seed (meta-cloud-api.md §7.19)', () => {
  it('gives two simulators with the same seed the same wamids, ids and webhook bytes', async () => {
    const [a, b] = [await session(42), await session(42)];
    expect(a).toEqual(b);
    expect(a.bodies.length).toBeGreaterThanOrEqual(5);
  });

  it('gives different seeds different wamids', async () => {
    const [a, b] = [await session(1), await session(2)];
    expect(a.sent).not.toEqual(b.sent);
    expect(a.inbound).not.toBe(b.inbound);
  });
});
