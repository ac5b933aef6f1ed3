import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';

/** Kapso's SDK sending through Switchboard, whose Graph API is the simulator. */
describe.each(dialects)('@kapso/whatsapp-cloud-api sending through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let client: WhatsAppClient;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
  });
  afterAll(() => env.close());

  async function storedKapso(wamid: string) {
    await env.sim.flush();
    return client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid, fields: 'kapso(direction,status)' });
  }

  it('sendText: sent, stored and advanced to read', async () => {
    const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to: `+${CUSTOMER}`, body: 'Your order shipped 📦' });
    const wamid = res.messages[0]?.id ?? '';
    expect(wamid).toMatch(/^wamid\./);
    expect((await storedKapso(wamid)).kapso).toEqual({ direction: 'outbound', status: 'read' });
  });

  it('sendImage with a media id from media.upload', async () => {
    const upload = await client.media.upload({
      phoneNumberId: t.phoneNumberId,
      type: 'image/png',
      file: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], { type: 'image/png' }),
      fileName: 'receipt.png',
    });
    expect(upload.id).toBeTruthy();
    const res = await client.messages.sendImage({ phoneNumberId: t.phoneNumberId, to: CUSTOMER, image: { id: upload.id, caption: 'receipt' } });
    const stored = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: res.messages[0]?.id ?? '' });
    expect(stored).toMatchObject({ type: 'image', image: { id: upload.id, caption: 'receipt' } });
  });

  it('templates.list and sendTemplate', async () => {
    const templates = await client.templates.list({ businessAccountId: t.wabaId });
    const hello = templates.data.find((x: { name: string }) => x.name === 'hello_world');
    expect(hello).toBeDefined();
    const res = await client.messages.sendTemplate({
      phoneNumberId: t.phoneNumberId,
      to: CUSTOMER,
      template: { name: 'hello_world', language: { code: 'en_US' } },
    });
    const stored = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: res.messages[0]?.id ?? '' });
    expect(stored).toMatchObject({ type: 'template', template: { name: 'hello_world' } });
  });

  it('sendInteractiveButtons', async () => {
    const res = await client.messages.sendInteractiveButtons({
      phoneNumberId: t.phoneNumberId,
      to: CUSTOMER,
      bodyText: 'Keep your slot tomorrow at 9?',
      buttons: [
        { id: 'keep', title: 'Keep' },
        { id: 'move', title: 'Reschedule' },
      ],
    });
    const stored = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: res.messages[0]?.id ?? '' });
    expect(stored).toMatchObject({ type: 'interactive', interactive: { type: 'button' } });
  });

  it('markRead marks the stored inbound message read', async () => {
    const { id } = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'seen?' } } });
    await env.sim.flush();
    await expect(client.messages.markRead({ phoneNumberId: t.phoneNumberId, messageId: id })).resolves.toMatchObject({ success: true });
    expect((await storedKapso(id)).kapso).toEqual({ direction: 'inbound', status: 'read' });
  });
});
