import { describe, it, expect } from 'vitest';
import { GraphError } from '../../src/http/errors.ts';
import { normalizeWebhook, phoneNumberIdsOf } from '../../src/ingest/normalize.ts';
import { deriveMessageFields } from '../../src/messages/derive.ts';
import { inboundFixtureNames, loadFixture, statusFixtureNames } from '../fixtures/meta/index.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function fixture(name: string): Json {
  return JSON.parse(loadFixture(name)) as Json;
}

/** The first `messages[]` / `statuses[]` item of a single-item fixture, as Meta sent it. */
function firstItem(body: Json, key: 'messages' | 'statuses'): Json {
  return body.entry[0].changes[0].value[key][0] as Json;
}

const phoneNumberId = '112233445566778';
const maya = '14155550123';

const inboundCases: [string, string, string, number, string | null][] = [
  ['text', 'text', maya, 1750016800, 'Maya Chen'],
  ['text-referral', 'text', maya, 1750016811, 'Maya Chen'],
  ['text-reply', 'text', maya, 1750016900, 'Maya Chen'],
  ['text-forwarded', 'text', maya, 1750016910, 'Maya Chen'],
  ['text-emoji', 'text', maya, 1750016920, 'Maya Chen'],
  ['image', 'image', maya, 1750017000, 'Maya Chen'],
  ['video', 'video', maya, 1750017010, 'Maya Chen'],
  ['audio-voice', 'audio', maya, 1750017020, 'Maya Chen'],
  ['document', 'document', maya, 1750017030, 'Maya Chen'],
  ['sticker', 'sticker', maya, 1750017040, 'Maya Chen'],
  ['location', 'location', maya, 1750017050, 'Maya Chen'],
  ['contacts', 'contacts', maya, 1750017060, 'Maya Chen'],
  ['interactive-button-reply', 'interactive', maya, 1750017100, 'Maya Chen'],
  ['interactive-list-reply', 'interactive', maya, 1750017110, 'Maya Chen'],
  ['interactive-nfm-flow', 'interactive', maya, 1750017120, 'Maya Chen'],
  ['interactive-nfm-address', 'interactive', '919800000001', 1750017130, 'Asha Rao'],
  ['button', 'button', maya, 1750017140, 'Maya Chen'],
  ['reaction', 'reaction', maya, 1750017150, 'Maya Chen'],
  ['reaction-removed', 'reaction', maya, 1750017160, 'Maya Chen'],
  ['order', 'order', maya, 1750017170, 'Maya Chen'],
  ['system', 'system', maya, 1750017180, null],
  ['unsupported', 'unsupported', maya, 1750017190, 'Maya Chen'],
  ['unknown-future-type', 'poll_vote', maya, 1750017210, 'Maya Chen'],
  ['group-text', 'text', maya, 1750017200, 'Maya Chen'],
];

describe('normalizeWebhook', () => {
  it('covers every inbound fixture in the table', () => {
    expect(inboundCases.map(([name]) => name).sort()).toEqual([...inboundFixtureNames].sort());
  });

  it.each(inboundCases)('normalizes the %s fixture into one %s message record', (name, type, waId, timestamp, profileName) => {
    const body = fixture(name);
    const sent = firstItem(body, 'messages');
    const { messages, statuses } = normalizeWebhook(body);
    expect(statuses).toEqual([]);
    expect(messages).toHaveLength(1);
    const [record] = messages;
    expect(record).toMatchObject({ phoneNumberId, waId, type, timestamp, profileName, id: sent.id });
    expect(record?.derived).toEqual(deriveMessageFields(sent));
  });

  it.each(inboundFixtureNames)('keeps the %s message exactly as received', (name) => {
    const raw = loadFixture(name);
    const sent = firstItem(JSON.parse(raw) as Json, 'messages');
    const [record] = normalizeWebhook(JSON.parse(raw)).messages;
    expect(record?.payload).toEqual(sent);
    // Same keys in the same order: re-serialising gives back Meta's bytes for the item.
    expect(JSON.stringify(record?.payload)).toBe(JSON.stringify(sent));
  });

  it('keeps an unknown message type as received', () => {
    const [record] = normalizeWebhook(fixture('unknown-future-type')).messages;
    expect(record?.type).toBe('poll_vote');
    expect(record?.payload.poll_vote).toEqual({
      poll_id: 'wamid.HBgLMTQxNTU1NTAxMjMVAgARGBI5QjNDMEQ0RTVGNjA3MTgyOTMA',
      selected_options: [{ id: 'opt_2', name: 'Saturday' }],
      new_top_level_flag: true,
    });
  });

  it('decodes escaped emoji and non-Latin text', () => {
    const [record] = normalizeWebhook(fixture('text-emoji')).messages;
    expect(record?.payload.text).toEqual({ body: 'Olá! 👋 Доставка завтра? 明天到 ✅ مرحبا' });
  });

  it.each([
    ['status-sent', 'sent', 1750018000, 'sent:1750018000:'],
    ['status-delivered', 'delivered', 1750018002, 'delivered:1750018002:'],
    ['status-read', 'read', 1750018065, 'read:1750018065:'],
    ['status-failed', 'failed', 1750018100, 'failed:1750018100:131047'],
  ])('normalizes the %s fixture into a %s status record', (name, status, timestamp, dedupeKey) => {
    const body = fixture(name);
    const { messages, statuses } = normalizeWebhook(body);
    expect(messages).toEqual([]);
    expect(statuses).toEqual([
      {
        phoneNumberId,
        messageId: firstItem(body, 'statuses').id,
        status,
        timestamp,
        recipientId: maya,
        dedupeKey,
        payload: firstItem(body, 'statuses'),
      },
    ]);
  });

  it('covers every status fixture', () => {
    expect(statusFixtureNames).toHaveLength(4);
  });

  it('collects every message and status of a batched POST in order', () => {
    const { messages, statuses } = normalizeWebhook(fixture('batch-mixed'));
    expect(messages.map((m) => [m.type, m.waId, m.profileName])).toEqual([
      ['text', maya, 'Maya Chen'],
      ['image', maya, 'Maya Chen'],
      ['reaction', maya, 'Maya Chen'],
      ['text', '14155550188', 'Leo Park'],
    ]);
    expect(statuses.map((s) => s.dedupeKey)).toEqual(['sent:1750018000:', 'delivered:1750018002:', 'failed:1750018100:131047']);
  });

  it('routes each change to the phone number id it names', () => {
    const body = fixture('two-numbers');
    const { messages, statuses } = normalizeWebhook(body);
    expect(messages.map((m) => [m.phoneNumberId, m.waId, m.profileName])).toEqual([
      ['112233445566778', maya, 'Maya Chen'],
      ['998877665544332', '14155550177', 'Ravi Shah'],
    ]);
    expect(statuses.map((s) => [s.phoneNumberId, s.recipientId])).toEqual([['998877665544332', '14155550177']]);
  });

  it('ignores changes for fields other than messages', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '109876543210987',
          time: 1750019000,
          changes: [
            { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 594425479261596 } },
            { field: 'account_alerts', value: 'not even an object' },
          ],
        },
      ],
    };
    expect(normalizeWebhook(body)).toEqual({ messages: [], statuses: [] });
  });

  it('returns nothing for a value that carries only errors', () => {
    const body = fixture('batch-mixed');
    body.entry = [{ id: '109876543210987', changes: [body.entry[1].changes[1]] }];
    expect(normalizeWebhook(body)).toEqual({ messages: [], statuses: [] });
  });

  it.each([
    ['+14155550123', undefined, maya],
    ['', 'US.9373aa', null],
    [maya, 'US.9373aa', maya],
  ])('takes the customer from from=%j and from_user_id=%j: a phone or none, and the BSUID apart', (from, fromUserId, waId) => {
    const body = fixture('text');
    const message = firstItem(body, 'messages');
    message.from = from;
    if (fromUserId) {
      message.from_user_id = fromUserId;
      body.entry[0].changes[0].value.contacts = [{ profile: { name: 'Maya', username: 'maya' }, wa_id: from, user_id: fromUserId }];
    }
    const [record] = normalizeWebhook(body).messages;
    expect(record?.waId).toBe(waId);
    expect(record?.bsuid).toBe(fromUserId ?? null);
    expect(record?.username).toBe(fromUserId ? 'maya' : null);
    expect(record?.profileName).toBe(fromUserId ? 'Maya' : 'Maya Chen');
  });

  it('takes the BSUID from the sender’s contact when the message has no from_user_id, and refuses a message naming no sender', () => {
    const body = fixture('text');
    const message = firstItem(body, 'messages');
    body.entry[0].changes[0].value.contacts = [{ profile: { name: 'Maya' }, wa_id: maya, user_id: 'US.1', parent_user_id: 'US.ENT.1' }];
    expect(normalizeWebhook(body).messages[0]).toMatchObject({ waId: maya, bsuid: 'US.1', parentBsuid: 'US.ENT.1' });
    message.from = '';
    expect(() => normalizeWebhook(body)).toThrow();
  });

  it('picks the profile name of the contact matching the sender', () => {
    const body = fixture('text');
    body.entry[0].changes[0].value.contacts = [
      { profile: { name: 'Leo Park' }, wa_id: '14155550188' },
      { profile: { name: 'Maya Chen' }, wa_id: maya },
    ];
    expect(normalizeWebhook(body).messages[0]?.profileName).toBe('Maya Chen');
  });

  const value = (extra: Json): Json => ({
    object: 'whatsapp_business_account',
    entry: [{ id: '109876543210987', changes: [{ field: 'messages', value: { metadata: { phone_number_id: phoneNumberId }, ...extra } }] }],
  });
  const message = { from: maya, id: 'wamid.A', timestamp: '1750016800', type: 'text', text: { body: 'hi' } };
  const status = { id: 'wamid.B', status: 'sent', timestamp: '1750018000' };

  it.each([
    ['a null body', null, 'payload'],
    ['a string body', 'hello', 'payload'],
    ['an array body', [], 'payload'],
    ['a body without object', { entry: [] }, 'object'],
    ['a non-array entry', { object: 'whatsapp_business_account', entry: {} }, 'entry'],
    ['an entry without changes', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }, 'entry[0].changes'],
    ['a messages value without metadata', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: {} }] }] }, 'entry[0].changes[0].value.metadata'],
    ['a message without id', value({ messages: [{ ...message, id: undefined }] }), 'entry[0].changes[0].value.messages[0].id'],
    ['a message without type', value({ messages: [{ ...message, type: undefined }] }), 'entry[0].changes[0].value.messages[0].type'],
    ['a message with a non-numeric timestamp', value({ messages: [{ ...message, timestamp: 'yesterday' }] }), 'entry[0].changes[0].value.messages[0].timestamp'],
    ['a message without a sender', value({ messages: [{ ...message, from: '' }] }), 'entry[0].changes[0].value.messages[0].from'],
    ['a non-array messages', value({ messages: message }), 'entry[0].changes[0].value.messages'],
    ['a status without status', value({ statuses: [{ ...status, status: undefined }] }), 'entry[0].changes[0].value.statuses[0].status'],
  ])('rejects %s with a 400 naming the path', (_label, body, path) => {
    let thrown: unknown;
    try {
      normalizeWebhook(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphError);
    expect(thrown).toMatchObject({ statusCode: 400, code: 100 });
    expect((thrown as GraphError).details).toContain(`'${path}'`);
  });
});

describe('phoneNumberIdsOf', () => {
  it.each([
    ['text', ['112233445566778']],
    ['batch-mixed', ['112233445566778']],
    ['two-numbers', ['112233445566778', '998877665544332']],
    ['status-failed', ['112233445566778']],
  ])('names the distinct phone number ids of %s', (name, ids) => {
    expect(phoneNumberIdsOf(fixture(name))).toEqual(ids);
    expect(phoneNumberIdsOf(loadFixture(name))).toEqual(ids);
    expect(phoneNumberIdsOf(Buffer.from(loadFixture(name)))).toEqual(ids);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['invalid JSON text', '{"entry": ['],
    ['an entry object', { entry: { changes: [] } }],
    ['changes of the wrong shape', { entry: [null, 1, { changes: 'x' }, { changes: [null, { value: 3 }, { value: { metadata: { phone_number_id: 7 } } }] }] }],
  ])('returns no ids for %s', (_label, payload) => {
    expect(phoneNumberIdsOf(payload)).toEqual([]);
  });
});
