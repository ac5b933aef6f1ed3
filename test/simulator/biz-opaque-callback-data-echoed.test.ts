import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator, SimulatorOptions } from '../../src/simulator/index.ts';
import { CUSTOMER, openWindow, send, startReceiver, startSimulator, statusesOf, textBody } from './helpers.ts';

const OTHER = '14155550999';

describe('biz_opaque_callback_data is echoed in every status of its message (meta-cloud-api.md §1.7)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const start = async (options: SimulatorOptions = {}) => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, ...options });
    openWindow(sim);
    openWindow(sim, OTHER);
    await sim.flush();
    receiver.received.length = 0;
  };
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });
  const tagsOf = (wamid: string) => statusesOf(receiver.received).filter((s) => s.id === wamid).map((s) => `${s.status}:${s.biz_opaque_callback_data}`);

  it('tags sent, delivered, read and played, each message with its own data', async () => {
    await start({ faults: { shuffle: true }, seed: 5 });
    const a = (await send(sim, { ...textBody(), biz_opaque_callback_data: 'broadcast:7:recipient:1' })).json().messages[0].id;
    const voice = { messaging_product: 'whatsapp', to: `+${OTHER}`, type: 'audio', audio: { link: 'https://example.com/v.ogg', voice: true }, biz_opaque_callback_data: 'broadcast:7:recipient:2' };
    const b = (await send(sim, voice)).json().messages[0].id;
    await sim.flush();
    expect(tagsOf(a).sort()).toEqual(['delivered:broadcast:7:recipient:1', 'read:broadcast:7:recipient:1', 'sent:broadcast:7:recipient:1']);
    expect(tagsOf(b).sort()).toEqual(['delivered:broadcast:7:recipient:2', 'played:broadcast:7:recipient:2', 'read:broadcast:7:recipient:2', 'sent:broadcast:7:recipient:2']);
  });

  it('tags failed statuses too, before and after delivery', async () => {
    await start();
    await sim.app.inject({ method: 'POST', url: `/_simulator/recipients/${CUSTOMER}`, payload: { fail_with: 131000, fail_after: 'delivered' } });
    await sim.app.inject({ method: 'POST', url: `/_simulator/recipients/${OTHER}`, payload: { on_whatsapp: false } });
    const late = (await send(sim, { ...textBody(), biz_opaque_callback_data: 'late' })).json().messages[0].id;
    const early = (await send(sim, { ...textBody('hi', `+${OTHER}`), biz_opaque_callback_data: 'early' })).json().messages[0].id;
    await sim.flush();
    expect(tagsOf(late)).toEqual(['sent:late', 'delivered:late', 'failed:late']);
    expect(tagsOf(early)).toEqual(['failed:early']);
  });

  it('leaves the key out when the send had none', async () => {
    await start();
    const wamid = (await send(sim, textBody())).json().messages[0].id;
    await sim.flush();
    const statuses = statusesOf(receiver.received).filter((s) => s.id === wamid);
    expect(statuses).toHaveLength(3);
    for (const status of statuses) expect(status).not.toHaveProperty('biz_opaque_callback_data');
  });
});
