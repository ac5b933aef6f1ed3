import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWamid } from '../../src/simulator/ids.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, send, signatureIsValid, startReceiver, startSimulator, T0, testClock, textBody } from './helpers.ts';

const ts = String(Math.floor(T0 / 1000));

describe('POST /_simulator/inbound builds Meta webhooks (meta-cloud-api.md §1.4–§1.6)', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
    sim = await startSimulator({ webhookUrl: receiver.url, clock: testClock(), windowFailure: 'response' });
  });
  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  const inject = async (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/inbound', payload: { phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, profile_name: 'Maya Chen', message, ...extra } });
    expect(res.statusCode).toBe(200);
    await sim.flush();
    const webhook = receiver.received.at(-1);
    expect(signatureIsValid(webhook?.raw ?? '', webhook?.signature, NUMBER.app_secret)).toBe(true);
    return { id: res.json().id as string, value: webhook?.body.entry[0]?.changes[0]?.value as Record<string, unknown> };
  };

  it('sends a text message with contacts, metadata, a fresh inbound wamid and a string timestamp', async () => {
    const { id, value } = await inject({ type: 'text', text: { body: 'Hi, is the blue one back in stock?' } });
    expect(decodeWamid(id)).toEqual({ counterpart: CUSTOMER, direction: 'inbound' });
    expect(receiver.received[0]?.body).toEqual({
      object: 'whatsapp_business_account',
      entry: [{ id: NUMBER.waba_id, changes: [{ field: 'messages', value }] }],
    });
    expect(value).toEqual({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: NUMBER.display_phone_number, phone_number_id: NUMBER.phone_number_id },
      contacts: [{ profile: { name: 'Maya Chen' }, wa_id: CUSTOMER }],
      messages: [{ from: CUSTOMER, id, timestamp: ts, type: 'text', text: { body: 'Hi, is the blue one back in stock?' } }],
    });
  });

  it('opens the 24-hour window for that customer', async () => {
    expect((await send(sim, textBody())).statusCode).toBe(400);
    await inject({ type: 'text', text: { body: 'hello' } });
    expect((await send(sim, textBody())).statusCode).toBe(200);
  });

  it('stores customer media so that GET /{media_id} serves it', async () => {
    const data = Buffer.from('a tiny jpeg').toString('base64');
    const { value } = await inject({ type: 'image', image: { caption: 'This one', data } });
    const image = (value.messages as { image: Record<string, string> }[])[0]?.image;
    expect(image).toEqual({
      caption: 'This one',
      mime_type: 'image/jpeg',
      sha256: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      id: expect.stringMatching(/^\d{16}$/),
      url: expect.stringContaining(`/whatsapp_business/attachments/?mid=${image?.id}`),
    });
    const meta = await sim.app.inject({ method: 'GET', url: `/v24.0/${image?.id}`, headers: { authorization: `Bearer ${NUMBER.access_token}` } });
    expect(meta.json()).toMatchObject({ id: image?.id, mime_type: 'image/jpeg', file_size: String(Buffer.from('a tiny jpeg').length) });
    expect(Buffer.from(meta.json().sha256, 'hex').toString('base64')).toBe(image?.sha256);
  });

  it.each([
    ['location', { type: 'location', location: { latitude: 37.7793, longitude: -122.4193, name: 'City Hall' } }],
    ['contacts', { type: 'contacts', contacts: [{ name: { formatted_name: 'Leo Park' }, phones: [{ phone: '+1 415 555 0188', wa_id: '14155550188', type: 'MOBILE' }] }] }],
    ['interactive list_reply', { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'ship_express', title: 'Express', description: '1-2 days' } } }],
    ['order', { type: 'order', order: { catalog_id: '194836987003835', text: '', product_items: [{ product_retailer_id: 'sku-aloe-12', quantity: 2, item_price: 18.5, currency: 'USD' }] } }],
    ['button', { type: 'button', button: { payload: 'STOP_PROMOS', text: 'Stop promotions' } }],
  ])('passes a %s message through with its content object', async (_name, message) => {
    const { id, value } = await inject(message);
    const { type, ...content } = message;
    expect(value.messages).toEqual([{ from: CUSTOMER, id, timestamp: ts, type, ...content }]);
  });

  it('points an interactive reply at our message with context.from = the business number', async () => {
    await inject({ type: 'text', text: { body: 'hi' } });
    const ours = (await send(sim, { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'Pick one' } })).json().messages[0].id;
    const { value } = await inject({ type: 'interactive', context: { id: ours }, interactive: { type: 'button_reply', button_reply: { id: 'keep', title: 'Keep' } } });
    expect((value.messages as Record<string, unknown>[])[0]).toMatchObject({ context: { from: NUMBER.display_phone_number, id: ours }, type: 'interactive' });
  });

  it('sends a reaction and its removal', async () => {
    const target = 'wamid.HBgLMTQxNTU1NTAxMjMVAgARGBIwN0UyOEFDRUU2QkU0RjAwN0YA';
    const added = await inject({ type: 'reaction', reaction: { message_id: target, emoji: '\u{1F44D}' } });
    expect(receiver.received.at(-1)?.raw).toContain('"emoji":"\\ud83d\\udc4d"');
    const removed = await inject({ type: 'reaction', reaction: { message_id: target } });
    expect((added.value.messages as Record<string, unknown>[])[0]?.reaction).toEqual({ message_id: target, emoji: '\u{1F44D}' });
    expect((removed.value.messages as Record<string, unknown>[])[0]?.reaction).toEqual({ message_id: target });
  });

  it('sends system messages without contacts and without opening the window', async () => {
    const { value } = await inject({ type: 'system', system: { body: 'User changed number', wa_id: '14155550999', type: 'user_changed_number' } });
    expect(value.contacts).toBeUndefined();
    expect((await send(sim, textBody())).statusCode).toBe(400);
  });

  it('adds the 131051 errors to unsupported messages', async () => {
    const { value } = await inject({ type: 'unsupported', unsupported: { type: 'poll' } });
    expect((value.messages as Record<string, unknown>[])[0]).toMatchObject({
      type: 'unsupported',
      unsupported: { type: 'poll' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }],
    });
  });

  it('keeps group_id and referral on the item', async () => {
    const referral = { source_url: 'https://fb.me/2xY7abcd', source_id: '120226305800000001', source_type: 'ad' };
    const { value } = await inject({ type: 'text', text: { body: 'Who brings chairs?' }, group_id: 'Y2FwaV9ncm91cDox', referral });
    expect((value.messages as Record<string, unknown>[])[0]).toMatchObject({ group_id: 'Y2FwaV9ncm91cDox', referral });
  });

  it('answers an unknown phone number id with code 100', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/inbound', payload: { phone_number_id: '1', from: CUSTOMER, message: { type: 'text', text: { body: 'x' } } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('answers a message without its content object with code 100', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/_simulator/inbound', payload: { phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, message: { type: 'text' } } });
    expect(res.json().error).toMatchObject({ code: 100, error_data: { details: "The parameter message['text'] is required." } });
  });
});
