import { describe, it, expect } from 'vitest';
import { deriveMessageFields } from '../../src/messages/derive.ts';
import { inboundFixtureNames, loadFixture } from '../fixtures/meta/index.ts';

/** The one `messages[]` item of an inbound fixture, as Meta sent it. */
function messageOf(name: string): Record<string, unknown> {
  return JSON.parse(loadFixture(name)).entry[0].changes[0].value.messages[0] as Record<string, unknown>;
}

const ours = 'wamid.HBgLMTQxNTU1NTAxMjMVAgARGBIwN0UyOEFDRUU2QkU0RjAwN0YA';

interface Case {
  content: string | null;
  hasMedia: boolean;
  previewText: string;
  data: Record<string, unknown>;
}

const cases: Record<string, Case> = {
  text: { content: 'Hi, is the blue one back in stock?', hasMedia: false, previewText: 'Hi, is the blue one back in stock?', data: {} },
  'text-referral': {
    content: 'Can I get more info?',
    hasMedia: false,
    previewText: 'Can I get more info?',
    data: { referral: expect.objectContaining({ source_type: 'ad', ctwa_clid: 'AffExampleClickId_0123456789' }) },
  },
  'text-reply': { content: 'Yes, Thursday works', hasMedia: false, previewText: 'Yes, Thursday works', data: { context_message_id: ours } },
  'text-forwarded': { content: 'Look at this deal', hasMedia: false, previewText: 'Look at this deal', data: { forwarded: true } },
  'text-emoji': {
    content: 'Olá! 👋 Доставка завтра? 明天到 ✅ مرحبا',
    hasMedia: false,
    previewText: 'Olá! 👋 Доставка завтра? 明天到 ✅ مرحبا',
    data: {},
  },
  image: {
    content: 'This one Image attached [Type: image/jpeg]',
    hasMedia: true,
    previewText: 'This one',
    data: { caption: 'This one', mime_type: 'image/jpeg', media_id: '1487203399912345', sha256: 'DvhFSOHB9Ick5P6Tr7w3L0lmB7+DqvBMRc97cUTIaPo=' },
  },
  video: {
    content: 'How it looks at home Video attached [Type: video/mp4]',
    hasMedia: true,
    previewText: 'How it looks at home',
    data: { caption: 'How it looks at home', mime_type: 'video/mp4', media_id: '902355118873410' },
  },
  'audio-voice': {
    content: '[Audio attached] [Type: audio/ogg; codecs=opus]',
    hasMedia: true,
    previewText: '[voice note]',
    data: { voice: true, mime_type: 'audio/ogg; codecs=opus', media_id: '733019845512207' },
  },
  document: {
    content: 'my invoice Document attached (invoice-0412.pdf) [Type: application/pdf]',
    hasMedia: true,
    previewText: 'my invoice',
    data: { caption: 'my invoice', filename: 'invoice-0412.pdf', mime_type: 'application/pdf', media_id: '622684790000001' },
  },
  sticker: {
    content: 'Sticker attached [Type: image/webp]',
    hasMedia: true,
    previewText: '[sticker]',
    data: { animated: false, mime_type: 'image/webp', media_id: '1190847732001122' },
  },
  location: {
    content: 'Location: City Hall, 1 Dr Carlton B Goodlett Pl, San Francisco, CA 94102 (37.7793, -122.4193)',
    hasMedia: false,
    previewText: '📍 City Hall',
    data: { latitude: 37.7793, longitude: -122.4193, name: 'City Hall', address: '1 Dr Carlton B Goodlett Pl, San Francisco, CA 94102' },
  },
  contacts: {
    content: 'Contact: Leo Park (+1 (415) 555-0188)',
    hasMedia: false,
    previewText: '👤 Leo Park',
    data: { contact_count: 1, contact_names: ['Leo Park'] },
  },
  'interactive-button-reply': {
    content: 'Reschedule',
    hasMedia: false,
    previewText: 'Reschedule',
    data: { interactive_type: 'button_reply', reply_id: 'reschedule', reply_title: 'Reschedule' },
  },
  'interactive-list-reply': {
    content: 'Express',
    hasMedia: false,
    previewText: 'Express',
    data: { interactive_type: 'list_reply', reply_id: 'ship_express', reply_title: 'Express', reply_description: '1-2 days' },
  },
  'interactive-nfm-flow': {
    content: 'Flow response: date=2025-07-03, party_size=4',
    hasMedia: false,
    previewText: 'Flow response: date=2025-07-03, party_size=4',
    data: { interactive_type: 'nfm_reply', name: 'flow', body: 'Sent' },
  },
  'interactive-nfm-address': {
    content: 'Asha Rao\n+919800000001\n400063, Goregaon, Mumbai',
    hasMedia: false,
    previewText: '📍 Asha Rao, +919800000001, 400063, Goregaon, Mumbai',
    data: { interactive_type: 'nfm_reply', name: 'address_message' },
  },
  button: { content: 'Stop promotions', hasMedia: false, previewText: 'Stop promotions', data: { payload: 'STOP_PROMOS', text: 'Stop promotions' } },
  reaction: { content: `Reacted 👍 to ${ours}`, hasMedia: false, previewText: 'Reacted 👍', data: { message_id: ours, emoji: '👍', removed: false } },
  'reaction-removed': { content: `Removed reaction from ${ours}`, hasMedia: false, previewText: 'Removed reaction', data: { message_id: ours, removed: true } },
  order: {
    content: 'Order with 2 items: sku-aloe-12 x2 @ 18.5 USD, sku-pot-03 x1 @ 12 USD. Note: Gift wrap please',
    hasMedia: false,
    previewText: '🛒 Order (2 items)',
    data: { catalog_id: '194836987003835', item_count: 2, product_items: expect.arrayContaining([expect.objectContaining({ product_retailer_id: 'sku-aloe-12' })]) },
  },
  system: {
    content: 'User Maya Chen changed from 14155550123 to 14155550999',
    hasMedia: false,
    previewText: 'User Maya Chen changed from 14155550123 to 14155550999',
    data: { system_type: 'user_changed_number', wa_id: '14155550999' },
  },
  unsupported: {
    content: '[Unsupported message: poll]',
    hasMedia: false,
    previewText: '[Unsupported message: poll]',
    data: { original_type: 'poll', errors: [expect.objectContaining({ code: 131051 })] },
  },
  'unknown-future-type': { content: '[Unknown message type: poll_vote]', hasMedia: false, previewText: '[poll_vote]', data: {} },
  'group-text': {
    content: 'Who is bringing chairs?',
    hasMedia: false,
    previewText: 'Who is bringing chairs?',
    data: { group_id: 'Y2FwaV9ncm91cDoxNTU1MDEwMjAzMDoxMjAzNjM0MDQ2OTQyMzM4MjA' },
  },
};

describe('deriveMessageFields', () => {
  it('covers every inbound fixture', () => {
    expect(Object.keys(cases).sort()).toEqual([...inboundFixtureNames].sort());
  });

  it.each(Object.entries(cases))('renders the %s fixture', (name, expected) => {
    const derived = deriveMessageFields(messageOf(name));
    expect(derived.content).toBe(expected.content);
    expect(derived.hasMedia).toBe(expected.hasMedia);
    expect(derived.previewText).toBe(expected.previewText);
    expect(derived.messageTypeData).toMatchObject(expected.data);
  });

  it.each(inboundFixtureNames)('gives the %s fixture a non-empty preview', (name) => {
    expect(deriveMessageFields(messageOf(name)).previewText).not.toBe('');
  });

  it('parses a flow response and lifts its token and name', () => {
    const derived = deriveMessageFields(messageOf('interactive-nfm-flow'));
    expect(derived.flowResponse).toEqual({ flow_token: 'booking-7781', date: '2025-07-03', party_size: '4' });
    expect(derived.flowToken).toBe('booking-7781');
    expect(derived.flowName).toBe('flow');
  });

  it('parses an address answer without inventing a flow token', () => {
    const derived = deriveMessageFields(messageOf('interactive-nfm-address'));
    expect(derived.flowResponse).toMatchObject({ values: { city: 'Mumbai', in_pin_code: '400063' } });
    expect(derived.flowName).toBe('address_message');
    expect(derived).not.toHaveProperty('flowToken');
  });

  it('keeps an unparsable response_json as the raw string', () => {
    const message = messageOf('interactive-nfm-flow');
    message.interactive = { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{not json' } };
    const derived = deriveMessageFields(message);
    expect(derived.flowResponse).toBe('{not json');
    expect(derived.flowName).toBe('flow');
    expect(derived).not.toHaveProperty('flowToken');
    expect(derived.content).toBe('Flow response: Sent');
  });

  it('lifts the order note into orderText', () => {
    expect(deriveMessageFields(messageOf('order')).orderText).toBe('Gift wrap please');
  });

  it('leaves orderText out when the order note is empty', () => {
    const message = messageOf('order');
    message.order = { catalog_id: '194836987003835', text: '', product_items: [{ product_retailer_id: 'sku-pot-03', quantity: 1 }] };
    const derived = deriveMessageFields(message);
    expect(derived).not.toHaveProperty('orderText');
    expect(derived.content).toBe('Order with 1 item: sku-pot-03 x1.');
  });

  it('omits flow and order fields from messages that have none', () => {
    const derived = deriveMessageFields(messageOf('text'));
    expect(Object.keys(derived).sort()).toEqual(['content', 'hasMedia', 'messageTypeData', 'previewText']);
  });

  it('marks a frequently forwarded message', () => {
    const message = { ...messageOf('text'), context: { frequently_forwarded: true } };
    expect(deriveMessageFields(message).messageTypeData).toMatchObject({ frequently_forwarded: true });
  });

  it('renders an image without caption from its marker and mime type', () => {
    const message = { ...messageOf('image'), image: { id: '1487203399912345', mime_type: 'image/png' } };
    const derived = deriveMessageFields(message);
    expect(derived.content).toBe('Image attached [Type: image/png]');
    expect(derived.previewText).toBe('[image]');
  });

  it.each([
    ['a media type without its object', { type: 'image' }],
    ['a content object of the wrong kind', { type: 'location', location: 'here' }],
    ['a null interactive', { type: 'interactive', interactive: null }],
    ['contacts that are not an array', { type: 'contacts', contacts: { name: 'x' } }],
    ['order items of the wrong shape', { type: 'order', order: { product_items: [null, 3] } }],
    ['a missing type', {}],
    ['a numeric type', { type: 7 }],
    ['a type named like an Object method', { type: 'toString' }],
  ])('derives fields without throwing for %s', (_label, message) => {
    const derived = deriveMessageFields(message as Record<string, unknown>);
    expect(derived.previewText).not.toBe('');
    expect(typeof derived.hasMedia).toBe('boolean');
  });
});
