import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
const HOUR = 3600;

describe.each(dialects)('conversations opened by ingest (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  async function conversationOf(t: { apiKey: string; phoneNumberId: string }, wamid: string): Promise<string> {
    const res = await getMessage(gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(whatsapp_conversation_id)');
    return res.json().kapso.whatsapp_conversation_id;
  }

  const conversations = (phoneNumberId: string) =>
    gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('created_at').execute();

  it('keeps a customer in one conversation while they keep writing', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.1', 'hi', T0)]), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.2', 'still there?', T0 + 23 * HOUR)]), t.appSecret);
    expect(await conversationOf(t, 'wamid.1')).toBe(await conversationOf(t, 'wamid.2'));
    const [c] = await conversations(t.phoneNumberId);
    expect(c).toMatchObject({
      status: 'active',
      messages_count: 2,
      last_message_id: 'wamid.2',
      last_message_text: 'still there?',
      last_message_type: 'text',
      last_inbound_at: (T0 + 23 * HOUR) * 1000,
      last_active_at: (T0 + 23 * HOUR) * 1000,
    });
  });

  it('opens a new conversation after 24 hours without activity and ends the old one', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.1', 'hi', T0)]), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.2', 'back again', T0 + 25 * HOUR)]), t.appSecret);
    expect(await conversationOf(t, 'wamid.1')).not.toBe(await conversationOf(t, 'wamid.2'));
    // Both were opened at the same (test) clock time: told apart by their messages.
    const both = await conversations(t.phoneNumberId);
    expect(both.find((c) => c.last_message_id === 'wamid.1')).toMatchObject({ status: 'ended', messages_count: 1 });
    expect(both.find((c) => c.last_message_id === 'wamid.2')).toMatchObject({ status: 'active', messages_count: 1 });
  });

  it('opens a new conversation when the last one was ended', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.1', 'hi', T0)]), t.appSecret);
    await gw.deps.database.db.updateTable('conversations').set({ status: 'ended' }).where('phone_number_id', '=', t.phoneNumberId).execute();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.2', 'one more thing', T0 + 60)]), t.appSecret);
    expect(await conversationOf(t, 'wamid.1')).not.toBe(await conversationOf(t, 'wamid.2'));
  });

  it('sends late messages to the conversation they reopened, not to a new one each', async () => {
    // Meta delivers a message hours late, after the customer's conversation has ended: it opens
    // a new conversation whose activity is older than the ended one's. The next late message
    // belongs to that new conversation: the customer's current conversation is the one opened
    // last, whatever the activity of the conversations before it.
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.1', 'hi', T0)]), t.appSecret);
    await gw.deps.database.db.updateTable('conversations').set({ status: 'ended' }).where('phone_number_id', '=', t.phoneNumberId).execute();
    // The reopened conversation is created later than the ended one (the list below is in order of creation).
    gw.clock.advance(1000);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.late1', 'sent earlier', T0 - 2 * HOUR)]), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.late2', 'also earlier', T0 - HOUR)]), t.appSecret);
    const reopened = await conversationOf(t, 'wamid.late1');
    expect(reopened).not.toBe(await conversationOf(t, 'wamid.1'));
    expect(await conversationOf(t, 'wamid.late2')).toBe(reopened);
    const all = await conversations(t.phoneNumberId);
    expect(all.map((c) => [c.status, c.messages_count])).toEqual([['ended', 1], ['active', 2]]);
  });

  it('keeps the newest message as the summary when an older one arrives late', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.new', 'newer', T0 + 60)]), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.old', 'older', T0)]), t.appSecret);
    const [c] = await conversations(t.phoneNumberId);
    expect(c).toMatchObject({ messages_count: 2, last_message_id: 'wamid.new', last_active_at: (T0 + 60) * 1000 });
  });

  it('keeps separate conversations for separate customers and refreshes profile names', async () => {
    const t = await newTenant(gw);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.a', 'from a', T0, '14155550001')], '14155550001', 'Ann'), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.b', 'from b', T0, '14155550002')], '14155550002', 'Bo'), t.appSecret);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.a2', 'again', T0 + 5, '14155550001')], '14155550001', 'Ann B.'), t.appSecret);
    expect(await conversations(t.phoneNumberId)).toHaveLength(2);
    const contact = await gw.deps.database.db.selectFrom('contacts').selectAll().where('phone_number_id', '=', t.phoneNumberId).where('wa_id', '=', '14155550001').executeTakeFirstOrThrow();
    expect(contact.profile_name).toBe('Ann B.');
  });
});
