import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestWebhooks, type IngestInput, type IngestOutcome } from '../../src/ingest/ingest.ts';
import { normalizeWebhook } from '../../src/ingest/normalize.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { storeOutboundText } from '../helpers/outbound.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, statusesWebhook, statusItem, textMessage } from '../helpers/webhooks.ts';

const DAY = 86_400;
const T0 = 1767268800;

/**
 * The payloads of a group-commit batch are stored together, a few statements for all their
 * messages (storeConversationMessages). Whatever the batch holds (a customer's messages spread over
 * payloads, a conversation going quiet and another opening within the batch, a wamid repeated,
 * equal timestamps, a renamed customer, statuses moving messages on across payloads), the store
 * must end up exactly as if each payload had been stored on its own, one after the other.
 */
describe.each(dialects)('a batch of payloads (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  const inputsFor = (phoneNumberId: string, bodies: (pn: string) => string[]): IngestInput[] =>
    bodies(phoneNumberId).map((body, i) => ({
      webhook: normalizeWebhook(JSON.parse(body)),
      ctx: { now: gw.clock.now() + i, inactivityMs: gw.deps.config.conversations.inactivityMs },
      forwards: new Map(),
    }));

  /** The number's store, with generated ids replaced by their order of appearance. */
  const snapshot = async (phoneNumberId: string) => {
    const { db } = gw.deps.database;
    const conversations = await db.selectFrom('conversations').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('created_at').orderBy('last_active_at').execute();
    const name = new Map(conversations.map((c, i) => [c.id, `conversation ${i}`]));
    const messages = await db.selectFrom('messages').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('seq').execute();
    const events = await db.selectFrom('events').selectAll().where('phone_number_id', '=', phoneNumberId).where('type', '!=', 'whatsapp.phone_number.created').orderBy('seq').execute();
    const statuses = await db.selectFrom('message_statuses').select(['message_id', 'status', 'dedupe_key', 'received_at']).where('phone_number_id', '=', phoneNumberId).orderBy('seq').execute();
    const contacts = await db.selectFrom('contacts').select(['wa_id', 'profile_name']).where('phone_number_id', '=', phoneNumberId).orderBy('wa_id').execute();
    return {
      contacts,
      conversations: conversations.map((c) => ({
        id: name.get(c.id), status: c.status, messages_count: c.messages_count, last_message_id: c.last_message_id, last_message_type: c.last_message_type,
        last_message_text: c.last_message_text, last_message_at: c.last_message_at, last_inbound_at: c.last_inbound_at, last_active_at: c.last_active_at, ended: c.ended_at !== null,
      })),
      messages: messages.map((m) => ({
        id: m.id, conversation: name.get(m.conversation_id), contact_name: m.contact_name, content: m.content, timestamp: Number(m.timestamp), status: m.status, updated_at: Number(m.updated_at),
      })),
      statuses: statuses.map((st) => ({ ...st, received_at: Number(st.received_at) })),
      events: events.map((e) => ({ type: e.type, message_id: e.message_id, conversation: e.conversation_id ? name.get(e.conversation_id) : null, data: typeof e.data === 'string' ? JSON.parse(e.data) : e.data })),
    };
  };

  /** Stores outbound messages as the send path does once Meta accepted them, before any status. */
  const storeOutbound = async (phoneNumberId: string, wamids: readonly string[]) => {
    const now = gw.clock.now() - 1000;
    for (const id of wamids) await storeOutboundText(gw, phoneNumberId, id, { now, timestamp: T0, body: 'sent' });
  };

  const storeBoth = async (bodies: (pn: string) => string[], outbound: readonly string[] = []) => {
    const together = await newTenant(gw);
    const oneByOne = await newTenant(gw);
    const { db } = gw.deps.database;
    await storeOutbound(together.phoneNumberId, outbound);
    await storeOutbound(oneByOne.phoneNumberId, outbound);
    const batchOutcomes = await db.transaction().execute((trx) => ingestWebhooks(trx, inputsFor(together.phoneNumberId, bodies)));
    const singleOutcomes: IngestOutcome[] = [];
    for (const input of inputsFor(oneByOne.phoneNumberId, bodies)) {
      singleOutcomes.push(...(await db.transaction().execute((trx) => ingestWebhooks(trx, [input]))));
    }
    expect(batchOutcomes).toEqual(singleOutcomes);
    const [a, b] = [await snapshot(together.phoneNumberId), await snapshot(oneByOne.phoneNumberId)];
    expect(a).toEqual(b);
    return { outcomes: batchOutcomes, store: a };
  };

  it('joins, goes quiet, opens anew and ends the old conversation within one batch', async () => {
    const { store } = await storeBoth((pn) => [
      messagesWebhook(pn, [textMessage('wamid.B1', 'hi', T0)]),
      messagesWebhook(pn, [textMessage('wamid.B2', 'still me', T0 + 60)]),
      messagesWebhook(pn, [textMessage('wamid.B3', 'a day later', T0 + 2 * DAY)]),
      messagesWebhook(pn, [textMessage('wamid.B4', 'and again', T0 + 2 * DAY + 5)]),
    ]);
    expect(store.conversations.map((c) => [c.status, c.messages_count, c.last_message_id])).toEqual([
      ['ended', 2, 'wamid.B2'],
      ['active', 2, 'wamid.B4'],
    ]);
    expect(store.events.map((e) => e.type)).toEqual([
      'whatsapp.conversation.created', 'whatsapp.message.received', 'whatsapp.message.received',
      'whatsapp.conversation.ended', 'whatsapp.conversation.created', 'whatsapp.message.received', 'whatsapp.message.received',
    ]);
  });

  it('stores a wamid repeated across the batch once, and counts the repeats as duplicates', async () => {
    const { outcomes, store } = await storeBoth((pn) => [
      messagesWebhook(pn, [textMessage('wamid.D1', 'one', T0), textMessage('wamid.D2', 'two', T0 + 1)]),
      messagesWebhook(pn, [textMessage('wamid.D2', 'two', T0 + 1), textMessage('wamid.D3', 'three', T0 + 2)]),
      messagesWebhook(pn, [textMessage('wamid.D1', 'one', T0)]),
    ]);
    expect(outcomes.map((o) => [o.messagesStored, o.duplicateMessages])).toEqual([[2, 0], [1, 1], [0, 1]]);
    expect(store.messages.map((m) => m.id)).toEqual(['wamid.D1', 'wamid.D2', 'wamid.D3']);
    expect(store.conversations[0]?.messages_count).toBe(3);
  });

  it('keeps the later of equal timestamps and never lets an older message take the summary', async () => {
    const { store } = await storeBoth((pn) => [
      messagesWebhook(pn, [textMessage('wamid.E1', 'first at t', T0 + 10), textMessage('wamid.E2', 'second at t', T0 + 10)]),
      messagesWebhook(pn, [textMessage('wamid.E3', 'late, older', T0 + 5)]),
    ]);
    expect(store.conversations[0]).toMatchObject({ messages_count: 3, last_message_id: 'wamid.E2', last_message_text: 'second at t' });
  });

  it('spreads several customers over the batch, with a rename and a message without a profile', async () => {
    const nameless = (pn: string) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'WABA', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: pn }, messages: [textMessage('wamid.F4', 'no profile', T0 + 4, '14155550001')] } }] }],
      });
    const { store } = await storeBoth((pn) => [
      messagesWebhook(pn, [textMessage('wamid.F1', 'a', T0 + 1, '14155550001')], '14155550001', 'Ana'),
      messagesWebhook(pn, [textMessage('wamid.F2', 'b', T0 + 2, '14155550002')], '14155550002', 'Bo'),
      messagesWebhook(pn, [textMessage('wamid.F3', 'a again', T0 + 3, '14155550001')], '14155550001', 'Ana Lima'),
      nameless(pn),
    ]);
    expect(store.contacts).toEqual([
      { wa_id: '14155550001', profile_name: 'Ana Lima' },
      { wa_id: '14155550002', profile_name: 'Bo' },
    ]);
    expect(store.messages.map((m) => m.contact_name)).toEqual(['Ana', 'Bo', 'Ana Lima', 'Ana Lima']);
    expect(store.conversations).toHaveLength(2);
  });

  it('moves messages through statuses spread over the batch, repeated, late, failed and for messages not stored', async () => {
    const { outcomes, store } = await storeBoth(
      (pn) => [
        statusesWebhook(pn, [statusItem('wamid.S1', 'sent', T0 + 1), statusItem('wamid.S2', 'sent', T0 + 1), statusItem('wamid.S1', 'sent', T0 + 1)]),
        statusesWebhook(pn, [statusItem('wamid.S1', 'read', T0 + 3), statusItem('wamid.S1', 'delivered', T0 + 2), statusItem('wamid.S9', 'delivered', T0 + 2)]),
        statusesWebhook(pn, [statusItem('wamid.S2', 'failed', T0 + 4, [{ code: 131026, title: 'Message undeliverable' }]), statusItem('wamid.S1', 'sent', T0 + 1)]),
        statusesWebhook(pn, [statusItem('wamid.S3', 'deleted', T0 + 5), statusItem('wamid.S3', 'delivered', T0 + 6), statusItem('wamid.S2', 'read', T0 + 7)]),
      ],
      ['wamid.S1', 'wamid.S2', 'wamid.S3'],
    );
    expect(outcomes.map((o) => [o.statusesStored, o.duplicateStatuses])).toEqual([[2, 1], [3, 0], [1, 1], [3, 0]]);
    expect(store.messages.map((m) => [m.id, m.status])).toEqual([['wamid.S1', 'read'], ['wamid.S2', 'failed'], ['wamid.S3', 'delivered']]);
    // The statuses' events (storing the sent messages opened their conversation, which is not under test).
    const statusEvents = store.events.filter((e) => e.type.startsWith('whatsapp.message.'));
    expect(statusEvents.map((e) => [e.type, e.message_id])).toEqual([
      ['whatsapp.message.sent', 'wamid.S1'], ['whatsapp.message.sent', 'wamid.S2'], ['whatsapp.message.read', 'wamid.S1'],
      ['whatsapp.message.failed', 'wamid.S2'], ['whatsapp.message.delivered', 'wamid.S3'],
    ]);
    expect(store.statuses.map((st) => st.message_id)).toContain('wamid.S9');
  });
});
