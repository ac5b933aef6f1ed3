import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeWamid } from '../../src/simulator/ids.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, NUMBER, openWindow, send, startSimulator } from './helpers.ts';

const to = `+${CUSTOMER}`;
const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to };

// One body per outbound type of meta-cloud-api.md §2.3.
const bodies: [string, Record<string, unknown>][] = [
  ['text with preview_url', { type: 'text', text: { preview_url: true, body: 'Track it here: https://example.com/t/4471' } }],
  ['image by link', { type: 'image', image: { link: 'https://cdn.example.com/p.jpg', caption: 'Your new planter' } }],
  ['video by link', { type: 'video', video: { link: 'https://cdn.example.com/demo.mp4', caption: 'Setup in 30 s' } }],
  ['audio voice note by link', { type: 'audio', audio: { link: 'https://cdn.example.com/v.ogg', voice: true } }],
  ['document by link', { type: 'document', document: { link: 'https://cdn.example.com/i.pdf', filename: 'invoice-4471.pdf', caption: 'Invoice' } }],
  ['sticker by link', { type: 'sticker', sticker: { link: 'https://cdn.example.com/thanks.webp' } }],
  ['location', { type: 'location', location: { latitude: '37.7793', longitude: '-122.4193', name: 'Our store', address: '1 Market St' } }],
  ['contacts', { type: 'contacts', contacts: [{ name: { formatted_name: 'Support Desk', first_name: 'Support' }, phones: [{ phone: '+15550102030', type: 'WORK', wa_id: '15550102030' }] }] }],
  [
    'interactive button',
    {
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Your appointment' },
        body: { text: 'Tomorrow 9:00 with Dr. Lee. Need to change it?' },
        footer: { text: 'Reply with a button' },
        action: { buttons: [{ type: 'reply', reply: { id: 'keep', title: 'Keep' } }, { type: 'reply', reply: { id: 'reschedule', title: 'Reschedule' } }] },
      },
    },
  ],
  [
    'interactive list',
    {
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'Shipping' },
        body: { text: 'How fast do you need it?' },
        action: {
          button: 'Choose',
          sections: [
            { title: 'Fast', rows: [{ id: 'ship_express', title: 'Express', description: '1-2 days' }] },
            { title: 'Cheap', rows: [{ id: 'ship_ground', title: 'Ground', description: '3-6 days' }] },
          ],
        },
      },
    },
  ],
  ['interactive cta_url', { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'See the dates.' }, action: { name: 'cta_url', parameters: { display_text: 'See dates', url: 'https://example.com/w?c=91' } } } }],
  [
    'interactive flow',
    {
      type: 'interactive',
      interactive: {
        type: 'flow',
        body: { text: 'Pick a date and party size.' },
        action: { name: 'flow', parameters: { flow_message_version: '3', flow_id: '1234567890123456', flow_token: 'booking-7781', flow_cta: 'Book', flow_action: 'navigate', flow_action_payload: { screen: 'DATE_PICKER', data: { venue: 'downtown' } } } },
      },
    },
  ],
  ['interactive location request', { type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Share your location.' }, action: { name: 'send_location' } } }],
  [
    'interactive location request with the request_message Kapso\'s SDK adds',
    { type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Share your location.' }, action: { name: 'send_location', parameters: { request_message: 'Send location' } } } },
  ],
  [
    'interactive call permission request',
    { type: 'interactive', interactive: { type: 'call_permission_request', body: { text: 'May we call you?' }, action: { name: 'call_permission_request', parameters: { phone_number: '14155550123' } } } },
  ],
  ['interactive address', { type: 'interactive', interactive: { type: 'address_message', body: { text: 'Where should we deliver?' }, action: { name: 'address_message', parameters: { country: 'IN' } } } }],
  ['interactive product', { type: 'interactive', interactive: { type: 'product', body: { text: 'Back in stock' }, action: { catalog_id: '194836987003835', product_retailer_id: 'sku-aloe-12' } } }],
  [
    'interactive product_list',
    {
      type: 'interactive',
      interactive: { type: 'product_list', header: { type: 'text', text: 'Planters' }, body: { text: 'Our picks' }, action: { catalog_id: '194836987003835', sections: [{ title: 'Aloe', product_items: [{ product_retailer_id: 'sku-aloe-12' }] }] } },
    },
  ],
  ['interactive catalog', { type: 'interactive', interactive: { type: 'catalog_message', body: { text: 'Browse our catalog' }, action: { name: 'catalog_message' } } }],
  ['reply with context', { type: 'text', context: { message_id: 'wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQ0NThFMjBERDg3NTg0NzRFM0JFMgA=' }, text: { body: 'Yes, it is back in stock.' } }],
];

describe('POST /{version}/{phone_number_id}/messages accepts every outbound type', () => {
  let sim: Simulator;
  beforeEach(async () => {
    sim = await startSimulator();
    openWindow(sim);
  });
  afterEach(() => sim.close());

  it.each(bodies)('accepts %s with Meta\'s success shape and a fresh business wamid', async (_name, body) => {
    const res = await send(sim, { ...base, ...body });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: CUSTOMER }], messages: [{ id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/) }] });
    expect(decodeWamid(json.messages[0].id)).toEqual({ counterpart: CUSTOMER, direction: 'outbound' });
  });

  it('accepts media by uploaded id', async () => {
    const media = sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from: CUSTOMER, message: { type: 'image', image: { caption: 'x' } } });
    const stored = sim.state.messagesById.get(media.id)?.payload.image as { id: string };
    const res = await send(sim, { ...base, type: 'image', image: { id: stored.id, caption: 'Your new planter' } });
    expect(res.statusCode).toBe(200);
  });

  it('accepts a reaction to a customer message', async () => {
    const inbound = openWindow(sim);
    const res = await send(sim, { ...base, type: 'reaction', reaction: { message_id: inbound, emoji: '\u{1F44D}' } });
    expect(res.statusCode).toBe(200);
  });

  it('adds message_status accepted to template sends', async () => {
    const res = await send(sim, { ...base, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(res.statusCode).toBe(200);
    expect(res.json().messages).toEqual([{ id: expect.stringMatching(/^wamid\./), message_status: 'accepted' }]);
  });

  it('gives every send a new wamid', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await send(sim, { ...base, type: 'text', text: { body: `n${i}` } })).json().messages[0].id);
    expect(ids.size).toBe(5);
  });

  it.each([
    ['+1 (415) 555-0123', '14155550123'],
    ['14155550123', '14155550123'],
    ['4155550123', '14155550123'],
  ])('echoes to=%s as input and answers wa_id %s', async (input, waId) => {
    const res = await send(sim, { ...base, to: input, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });
    expect(res.json().contacts).toEqual([{ input, wa_id: waId }]);
  });

  it('records what was sent for GET /_simulator/messages', async () => {
    const sent = (await send(sim, { ...base, type: 'text', text: { body: 'kept' } })).json().messages[0].id;
    const res = await sim.app.inject({ method: 'GET', url: `/_simulator/messages?phone_number_id=${NUMBER.phone_number_id}&direction=outbound` });
    expect(res.json().data).toEqual([expect.objectContaining({ id: sent, direction: 'outbound', wa_id: CUSTOMER, type: 'text', payload: expect.objectContaining({ text: { body: 'kept' } }) })]);
  });
});
