import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { CUSTOMER, fbtrace, invalidParameter, openWindow, send, startSimulator } from './helpers.ts';

const base = { messaging_product: 'whatsapp', to: `+${CUSTOMER}` };
const reply = (i: number) => ({ type: 'reply', reply: { id: `b${i}`, title: `Button ${i}` } });
const buttons = (n: number) => ({ type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: Array.from({ length: n }, (_, i) => reply(i)) } } });
const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

// meta-cloud-api.md §2.3, §2.5, §7.5: code 100 naming the parameter in error_data.details.
const code100: [string, Record<string, unknown>, string][] = [
  ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 'The parameter to is required.'],
  ['missing messaging_product', { to: CUSTOMER, type: 'text', text: { body: 'x' } }, 'The parameter messaging_product is required.'],
  ['wrong messaging_product', { ...base, messaging_product: 'sms', type: 'text', text: { body: 'x' } }, 'Param messaging_product must be one of {whatsapp} - got "sms".'],
  ['missing type object', { ...base, type: 'text' }, 'The parameter text is required.'],
  ['text over 4096', { ...base, type: 'text', text: { body: 'a'.repeat(4097) } }, "Param text['body'] must be at most 4096 characters long."],
  ['empty text body', { ...base, type: 'text', text: { body: '' } }, "Param text['body'] must be at least 1 characters long."],
  ['unexpected key', { ...base, type: 'text', text: { body: 'x', bold: true } }, 'Unexpected key "bold" on param "text".'],
  ['caption over 1024', { ...base, type: 'image', image: { link: 'https://x.example/a.jpg', caption: 'c'.repeat(1025) } }, "Param image['caption'] must be at most 1024 characters long."],
  ['caption on audio', { ...base, type: 'audio', audio: { link: 'https://x.example/a.mp3', caption: 'no' } }, 'Unexpected key "caption" on param "audio".'],
  ['template without name', { ...base, type: 'template', template: { language: { code: 'en_US' } } }, "The parameter template['name'] is required."],
  ['template without language', { ...base, type: 'template', template: { name: 'hello_world' } }, "The parameter template['language'] is required."],
  ['more than 3 buttons', { ...base, ...buttons(4) }, "Param interactive['action']['buttons'] must have at most 3 elements."],
  ['no buttons', { ...base, ...buttons(0) }, "Param interactive['action']['buttons'] must have at least 1 elements."],
  ['button title over 20', { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 't'.repeat(21) } }] } } }, "Param interactive['action']['buttons'][0]['reply']['title'] must be at most 20 characters long."],
  ['duplicate button titles', { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'Same' } }, { type: 'reply', reply: { id: 'b', title: 'Same' } }] } } }, "Param interactive['action']['buttons'] must have unique titles."],
  ['list with 11 rows', { ...base, type: 'interactive', interactive: { type: 'list', body: { text: 'Pick' }, action: { button: 'Choose', sections: [{ title: 'A', rows: rows(6) }, { title: 'B', rows: rows(5).map((r) => ({ ...r, id: `x${r.id}` })) }] } } }, "Param interactive['action']['sections'] must have at most 10 rows in total."],
  ['unknown interactive type', { ...base, type: 'interactive', interactive: { type: 'poll', body: { text: 'x' } } }, 'Param interactive[\'type\'] must be one of {button, list, cta_url, flow, location_request_message, address_message, product, product_list, catalog_message, call_permission_request, carousel, voice_call} - got "poll".'],
  ['location request parameters beyond request_message', { ...base, type: 'interactive', interactive: { type: 'location_request_message', body: { text: 'Where?' }, action: { name: 'send_location', parameters: { request_message: 'Send', radius: 5 } } } }, 'Unexpected key "radius" on param "interactive[\'action\'][\'parameters\']".'],
  ['call permission request without its action name', { ...base, type: 'interactive', interactive: { type: 'call_permission_request', action: {} } }, "The parameter interactive['action']['name'] is required."],
  ['interactive body missing', { ...base, type: 'interactive', interactive: { type: 'button', action: { buttons: [reply(1)] } } }, "The parameter interactive['body'] is required."],
  ['latitude not numeric', { ...base, type: 'location', location: { latitude: 'north', longitude: '1' } }, "Param location['latitude'] must be a number of decimal degrees between -90 and 90."],
  ['contact without formatted_name', { ...base, type: 'contacts', contacts: [{ name: { first_name: 'Leo' } }] }, "The parameter contacts[0]['name']['formatted_name'] is required."],
  ['callback data over 512', { ...base, type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'o'.repeat(513) }, 'Param biz_opaque_callback_data must be at most 512 characters long.'],
  ['to that is not a phone number', { ...base, to: 'not-a-number', type: 'text', text: { body: 'x' } }, "Param to 'not-a-number' is not a valid phone number."],
];

const metaError = (code: number, message: string, details: string, status = 400) => ({
  status,
  body: { error: { message, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: fbtrace } },
});

describe('send validation answers like Meta', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
    openWindow(sim);
  });
  afterAll(() => sim.close());

  it.each(code100)('answers code 100 for %s, naming the parameter', async (_name, body, details) => {
    const res = await send(sim, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(invalidParameter(details));
  });

  it.each([
    ['an unsupported type', { ...base, type: 'poll', poll: {} }, metaError(131051, '(#131051) Unsupported message type', "Message type 'poll' is not currently supported.")],
    ['both id and link', { ...base, type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } }, metaError(131009, '(#131009) Parameter value is not valid', "Param image must have only one of image['id'] or image['link'].")],
    ['neither id nor link', { ...base, type: 'document', document: { filename: 'a.pdf' } }, metaError(131009, '(#131009) Parameter value is not valid', "Param document must have one of document['id'] or document['link'].")],
    ['an unknown media id', { ...base, type: 'image', image: { id: '1479537139650973' } }, metaError(131009, '(#131009) Parameter value is not valid', "Param image['id'] is not a valid WhatsApp Business Account media attachment ID.")],
    ['the business as recipient', { ...base, to: '+15550102030', type: 'text', text: { body: 'me' } }, metaError(131021, '(#131021) Recipient cannot be sender', 'Sender and recipient phone number is the same.')],
  ])('answers %s with Meta\'s code', async (_name, body, expected) => {
    const res = await send(sim, body);
    expect(res.statusCode).toBe(expected.status);
    expect(res.json()).toEqual(expected.body);
  });

  it('answers invalid JSON with code 100', async () => {
    const res = await sim.app.inject({ method: 'POST', url: '/v24.0/112233445566778/messages', headers: { authorization: 'Bearer EAAG-sim-token', 'content-type': 'application/json' }, payload: '{"to":' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
  });

  it('rejects a reaction sent as a contextual reply', async () => {
    const res = await send(sim, { ...base, type: 'reaction', context: { message_id: 'wamid.X' }, reaction: { message_id: 'wamid.X', emoji: 'x' } });
    expect(res.json()).toEqual(invalidParameter('Param context is not allowed on reaction messages.'));
  });

  it('creates no message for a rejected send', async () => {
    const before = sim.state.messages.length;
    await send(sim, { ...base, type: 'text', text: { body: 'a'.repeat(5000) } });
    expect(sim.state.messages.length).toBe(before);
  });
});
