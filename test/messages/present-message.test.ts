import { describe, expect, it } from 'vitest';
import type { MessageRow, StatusRow } from '../../src/db/schema.ts';
import { parseFields } from '../../src/http/fields.ts';
import { presentMessage } from '../../src/messages/present.ts';

const NUMBER_ID = '112233445566778';
const CUSTOMER = '14155550123';
const CONVERSATION = '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47';
const INBOUND_ID = 'wamid.HBgLMTQxNTU1NTAxMjMVAgASGBQzRUIwMUFCQ0RFRjAxMjM0NTY3AA==';
const OUTBOUND_ID = 'wamid.HBgLMTQxNTU1NTAxMjMVAgARGBI5QjNDMEQ0RTVGNjA3MTgyOTMA';

/** JSON columns arrive as TEXT on SQLite and parsed on PostgreSQL; every case runs both ways. */
const drivers = [
  ['SQLite', (value: unknown) => JSON.stringify(value)],
  ['PostgreSQL', (value: unknown) => value],
] as const;

function inboundText(json: (value: unknown) => unknown): MessageRow {
  return {
    seq: 1,
    id: INBOUND_ID,
    phone_number_id: NUMBER_ID,
    conversation_id: CONVERSATION,
    direction: 'inbound',
    type: 'text',
    from_id: CUSTOMER,
    to_id: NUMBER_ID,
    timestamp: 1767268800,
    status: 'received',
    processing_status: 'pending',
    origin: 'cloud_api',
    has_media: 0,
    contact_name: 'Maya Chen',
    content: 'Is my order ready?',
    payload: json({ from: CUSTOMER, id: INBOUND_ID, timestamp: '1767268800', type: 'text', text: { body: 'Is my order ready?' } }),
    kapso_data: json({}),
    created_at: 1767268800123,
    updated_at: 1767268800123,
  };
}

const template = {
  name: 'order_ready',
  language: { code: 'en_US' },
  components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-1042' }] }],
};

function outboundTemplate(json: (value: unknown) => unknown): MessageRow {
  return {
    ...inboundText(json),
    seq: 2,
    id: OUTBOUND_ID,
    direction: 'outbound',
    type: 'template',
    from_id: NUMBER_ID,
    to_id: CUSTOMER,
    timestamp: 1767268920,
    status: 'read',
    processing_status: 'completed',
    contact_name: null,
    content: null,
    payload: json({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '+1 415 555 0123', type: 'template', template }),
    kapso_data: json({ message_type_data: { template_name: 'order_ready' } }),
  };
}

function inboundImage(json: (value: unknown) => unknown): MessageRow {
  const image = { id: '880011223344556', mime_type: 'image/jpeg', sha256: 'c2hh', caption: 'receipt 🧾' };
  return {
    ...inboundText(json),
    id: 'wamid.image',
    type: 'image',
    timestamp: 1767269100,
    has_media: 1,
    content: 'receipt 🧾 Image attached',
    payload: json({ from: CUSTOMER, id: 'wamid.image', timestamp: '1767269100', type: 'image', image }),
    kapso_data: json({ message_type_data: { caption: 'receipt 🧾', mime_type: 'image/jpeg' } }),
  };
}

function status(json: (value: unknown) => unknown, seq: number, name: string, timestamp: number): StatusRow {
  return {
    seq,
    phone_number_id: NUMBER_ID,
    message_id: OUTBOUND_ID,
    status: name,
    timestamp,
    dedupe_key: `${name}:${timestamp}:`,
    payload: json({ id: OUTBOUND_ID, status: name, timestamp: String(timestamp), recipient_id: CUSTOMER }),
    received_at: timestamp * 1000,
  };
}

describe.each(drivers)('presentMessage with %s JSON columns', (_driver, json) => {
  it('renders an inbound text message like the §6.1.4 example', () => {
    const shown = presentMessage(inboundText(json), [], parseFields(undefined));
    expect(shown).toEqual({
      id: INBOUND_ID,
      timestamp: '1767268800',
      type: 'text',
      from: CUSTOMER,
      to: NUMBER_ID,
      text: { body: 'Is my order ready?' },
      kapso: {
        direction: 'inbound',
        status: 'received',
        processing_status: 'pending',
        origin: 'cloud_api',
        phone_number: CUSTOMER,
        phone_number_id: NUMBER_ID,
        has_media: false,
        whatsapp_conversation_id: CONVERSATION,
        contact_name: 'Maya Chen',
        message_type_data: {},
        content: 'Is my order ready?',
      },
    });
    expect(Object.keys(shown)).toEqual(['id', 'timestamp', 'type', 'from', 'to', 'text', 'kapso']);
  });

  it('renders an outbound template with the customer in to, no from and no send envelope', () => {
    const shown = presentMessage(outboundTemplate(json), [status(json, 1, 'sent', 1767268921)], parseFields(''));
    expect(shown).toEqual({
      id: OUTBOUND_ID,
      timestamp: '1767268920',
      type: 'template',
      to: CUSTOMER,
      template,
      kapso: {
        direction: 'outbound',
        status: 'read',
        processing_status: 'completed',
        origin: 'cloud_api',
        phone_number: CUSTOMER,
        phone_number_id: NUMBER_ID,
        has_media: false,
        whatsapp_conversation_id: CONVERSATION,
        message_type_data: { template_name: 'order_ready' },
      },
    });
  });

  it('lists the status history oldest first when statuses is named', () => {
    const history = [status(json, 7, 'read', 1767268935), status(json, 5, 'sent', 1767268921), status(json, 6, 'delivered', 1767268923)];
    const shown = presentMessage(outboundTemplate(json), history, parseFields('kapso(direction,status,statuses)'));
    expect(shown.kapso).toEqual({
      direction: 'outbound',
      status: 'read',
      statuses: [
        { id: OUTBOUND_ID, status: 'sent', timestamp: '1767268921', recipient_id: CUSTOMER },
        { id: OUTBOUND_ID, status: 'delivered', timestamp: '1767268923', recipient_id: CUSTOMER },
        { id: OUTBOUND_ID, status: 'read', timestamp: '1767268935', recipient_id: CUSTOMER },
      ],
    });
  });

  it('includes statuses for kapso(all) and not for the default set', () => {
    const history = [status(json, 1, 'sent', 1767268921)];
    const all = presentMessage(outboundTemplate(json), history, parseFields('kapso(all)')).kapso as Record<string, unknown>;
    const byDefault = presentMessage(outboundTemplate(json), history, parseFields('kapso(default)')).kapso as Record<string, unknown>;
    expect(all.statuses).toEqual([{ id: OUTBOUND_ID, status: 'sent', timestamp: '1767268921', recipient_id: CUSTOMER }]);
    expect(Object.keys(all).at(-1)).toBe('statuses');
    expect(byDefault).not.toHaveProperty('statuses');
  });

  it('omits statuses until a status event was recorded', () => {
    const shown = presentMessage(outboundTemplate(json), [], parseFields('kapso(all)'));
    expect(shown.kapso).not.toHaveProperty('statuses');
  });

  it('renders a media message with no media row yet (still in the media queue) as pending, leaving blob keys out', () => {
    const shown = presentMessage(inboundImage(json), [], parseFields('kapso(has_media,media_url,media_data,message_type_data,content)'));
    expect(shown).toEqual({
      id: 'wamid.image',
      timestamp: '1767269100',
      type: 'image',
      from: CUSTOMER,
      to: NUMBER_ID,
      image: { id: '880011223344556', mime_type: 'image/jpeg', sha256: 'c2hh', caption: 'receipt 🧾' },
      kapso: {
        has_media: true,
        message_type_data: { caption: 'receipt 🧾', mime_type: 'image/jpeg', media_status: 'pending' },
        content: 'receipt 🧾 Image attached',
      },
    });
  });

  it('leaves out the kapso key entirely for kapso()', () => {
    const shown = presentMessage(inboundText(json), [], parseFields('kapso()'));
    expect(shown).not.toHaveProperty('kapso');
    expect(shown.text).toEqual({ body: 'Is my order ready?' });
  });

  it('renders only the requested keys for kapso(direction,status,processing_status)', () => {
    const shown = presentMessage(inboundText(json), [], parseFields('kapso(direction,status,processing_status)'));
    expect(shown.kapso).toEqual({ direction: 'inbound', status: 'received', processing_status: 'pending' });
  });

  it('renders an empty kapso object when only unknown names are requested', () => {
    expect(presentMessage(inboundText(json), [], parseFields('kapso(not_a_field)')).kapso).toEqual({});
  });

  it('keeps only the requested Meta keys and always the id', () => {
    const shown = presentMessage(inboundText(json), [], parseFields('type,text,kapso(status)'));
    expect(shown).toEqual({ id: INBOUND_ID, type: 'text', text: { body: 'Is my order ready?' }, kapso: { status: 'received' } });
  });

  it('keeps the id even when no requested Meta key exists', () => {
    expect(presentMessage(inboundText(json), [], parseFields('preview.invalidate(false),kapso()'))).toEqual({ id: INBOUND_ID });
  });

  it('keeps emoji and other Unicode untouched', () => {
    const body = 'Café ☕ 👩🏽‍💻 🇨🇱 — 注文';
    const row = { ...inboundText(json), content: body, payload: json({ from: CUSTOMER, id: INBOUND_ID, type: 'text', text: { body } }) };
    const shown = presentMessage(row, [], parseFields(undefined));
    expect(shown.text).toEqual({ body });
    expect((shown.kapso as Record<string, unknown>).content).toBe(body);
    expect(JSON.parse(JSON.stringify(shown)).text.body).toBe(body);
  });

  it('passes through extra Meta keys such as context, referral, errors and group_id', () => {
    const extra = {
      context: { from: NUMBER_ID, id: OUTBOUND_ID },
      referral: { source_url: 'https://ad.example.test', source_type: 'ad', source_id: '123' },
      errors: [{ code: 131051, title: 'Message type unknown' }],
      group_id: 'group-1',
    };
    const row = { ...inboundText(json), type: 'unsupported', payload: json({ from: CUSTOMER, id: INBOUND_ID, type: 'unsupported', ...extra }) };
    const shown = presentMessage(row, [], parseFields('kapso()'));
    expect(shown).toEqual({ id: INBOUND_ID, timestamp: '1767268800', type: 'unsupported', from: CUSTOMER, to: NUMBER_ID, ...extra });
  });

  it('renders flow and order keys only when they were stored', () => {
    const flow = { flow_response: { rating: '5' }, flow_token: 'tok-1', flow_name: 'feedback', order_text: 'no onions' };
    const withFlow = { ...inboundText(json), kapso_data: json({ message_type_data: {}, ...flow }) };
    const wanted = 'kapso(flow_response,flow_token,flow_name,order_text)';
    expect(presentMessage(withFlow, [], parseFields(wanted)).kapso).toEqual(flow);
    expect(presentMessage(inboundText(json), [], parseFields(wanted)).kapso).toEqual({});
  });

  it('never pads with null: no from when the sender is unknown, no contact name or content when null', () => {
    const row = { ...inboundText(json), from_id: null, contact_name: null, content: null, payload: json({ id: INBOUND_ID, type: 'text', context: null, text: { body: 'hi' } }) };
    const shown = presentMessage(row, [], parseFields(undefined));
    expect(shown).not.toHaveProperty('from');
    expect(shown).not.toHaveProperty('context');
    expect(shown.kapso).not.toHaveProperty('contact_name');
    expect(shown.kapso).not.toHaveProperty('content');
    expect(shown.kapso).not.toHaveProperty('phone_number');
  });

  it('keeps columns over payload copies and a payload __proto__ key as plain data', () => {
    const payload = `{"id":"wamid.other","timestamp":"1","kapso":{"direction":"spoofed"},"__proto__":{"polluted":true},"text":{"body":"x"}}`;
    const row = { ...inboundText(json), payload: json(JSON.parse(payload)) };
    const shown = presentMessage(row, [], parseFields('kapso(direction)'));
    expect(shown.id).toBe(INBOUND_ID);
    expect(shown.timestamp).toBe('1767268800');
    expect(shown.kapso).toEqual({ direction: 'inbound' });
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect((shown as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(shown, '__proto__')).toBe(true);
  });
});
