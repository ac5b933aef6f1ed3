import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';

const T0 = 1767268800;
const ANN = '14155550001';
const BO = '14155550002';

/**
 * The history API as Kapso's SDK drives it: `messages.query`/`listByConversation`,
 * `conversations.list/get/updateStatus` and `contacts.list/get/update`, pointed at a listening
 * gateway with `baseUrl` and `kapsoApiKey` as a Kapso user switching to Switchboard would.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api reads the history through the gateway (%s)', (dialect) => {
  let gw: TestGateway;
  let baseUrl: string;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let client: WhatsAppClient;

  beforeAll(async () => {
    gw = await startGateway(dialect);
    baseUrl = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    t = await newTenant(gw);
    client = new WhatsAppClient({ baseUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    await storeMessages(gw, t.phoneNumberId, [
      { id: 'wamid.ann.1', timestamp: T0, waId: ANN, profileName: 'Ann', body: 'hello' },
      { id: 'wamid.ann.2', timestamp: T0 + 60, waId: ANN, direction: 'outbound', body: 'hi Ann' },
      { id: 'wamid.bo.1', timestamp: T0 + 120, waId: BO, profileName: 'Bo', body: 'is it open?' },
      { id: 'wamid.ann.3', timestamp: T0 + 180, waId: ANN, body: 'thanks' },
    ]);
  });
  afterAll(() => gw.close());

  it('pages through messages.query newest first with the cursors it is given', async () => {
    const first = await client.messages.query({ phoneNumberId: t.phoneNumberId, limit: 3 });
    expect(first.data.map((m) => m.id)).toEqual(['wamid.ann.3', 'wamid.bo.1', 'wamid.ann.2']);
    expect(first.data[0]).toMatchObject({ type: 'text', from: ANN, kapso: { direction: 'inbound', contactName: 'Ann', content: 'thanks' } });
    const after = first.paging.cursors.after;
    expect(after).toEqual(expect.any(String));
    const second = await client.messages.query({ phoneNumberId: t.phoneNumberId, limit: 3, after: after as string });
    expect(second.data.map((m) => m.id)).toEqual(['wamid.ann.1']);
    expect(second.paging.next).toBeNull();
  });

  it('filters messages.query by direction and time as the SDK snake-cases them', async () => {
    const res = await client.messages.query({ phoneNumberId: t.phoneNumberId, direction: 'inbound', since: String(T0 + 1), until: new Date((T0 + 150) * 1000).toISOString() });
    expect(res.data.map((m) => m.id)).toEqual(['wamid.bo.1']);
  });

  it('reads one conversation with messages.listByConversation, narrowed by fields', async () => {
    const [bo] = (await client.conversations.list({ phoneNumberId: t.phoneNumberId, phoneNumber: `+${BO}` })).data;
    const res = await client.messages.listByConversation({ phoneNumberId: t.phoneNumberId, conversationId: bo?.id as string, fields: 'kapso(direction,whatsapp_conversation_id)' });
    expect(res.data).toEqual([expect.objectContaining({ id: 'wamid.bo.1', kapso: { direction: 'inbound', whatsappConversationId: bo?.id } })]);
  });

  it('lists conversations as the inbox asks for them, camel-cased by the SDK', async () => {
    const res = await client.conversations.list({
      phoneNumberId: t.phoneNumberId,
      status: 'active',
      limit: 50,
      fields: 'kapso(contact_name,messages_count,last_message_type,last_message_text,last_inbound_at,last_outbound_at)',
    });
    expect(res.data.map((c) => c.phoneNumber)).toEqual([ANN, BO]);
    expect(res.data[0]).toMatchObject({
      status: 'active',
      phoneNumberId: t.phoneNumberId,
      lastActiveAt: '2026-01-01T12:03:00.000000Z',
      kapso: {
        contactName: 'Ann',
        messagesCount: 3,
        lastMessageType: 'text',
        lastMessageText: 'thanks',
        lastInboundAt: '2026-01-01T12:03:00.000000Z',
        lastOutboundAt: '2026-01-01T12:01:00.000000Z',
      },
    });
    expect(res.paging).toEqual({ cursors: { before: null, after: null }, next: null, previous: null });
  });

  it('gets a conversation, ends it with updateStatus and sees it ended', async () => {
    const [bo] = (await client.conversations.list({ phoneNumberId: t.phoneNumberId, phoneNumber: BO })).data;
    const id = bo?.id as string;
    expect(await client.conversations.get({ conversationId: id })).toMatchObject({ id, status: 'active', kapso: { contactName: 'Bo' } });
    expect(await client.conversations.updateStatus({ conversationId: id, status: 'ended' })).toEqual({ success: true });
    expect(await client.conversations.get({ conversationId: id })).toMatchObject({ id, status: 'ended' });
    expect(await client.conversations.updateStatus({ conversationId: id, status: 'active' })).toEqual({ success: true });
  });

  it('lists, gets and updates contacts', async () => {
    const listed = await client.contacts.list({ phoneNumberId: t.phoneNumberId, waId: `+${ANN}` });
    expect(listed.data).toEqual([expect.objectContaining({ waId: ANN, profileName: 'Ann' })]);
    expect(await client.contacts.list({ phoneNumberId: t.phoneNumberId, hasCustomer: true })).toMatchObject({ data: [] });
    const update = await client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: ANN, displayName: 'Ann (VIP)', metadata: { tier: 'gold' } });
    expect(update).toEqual({ success: true });
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: ANN })).toMatchObject({ waId: ANN, displayName: 'Ann (VIP)', metadata: { tier: 'gold' } });
  });

  it('surfaces an unknown conversation as a GraphApiError with HTTP 404', async () => {
    const error = await client.conversations.get({ conversationId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ code: 100, httpStatus: 404 });
  });

  it('surfaces a forged cursor as a GraphApiError with HTTP 400', async () => {
    const error = await client.messages.query({ phoneNumberId: t.phoneNumberId, after: 'forged.cursor' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ code: 100, httpStatus: 400 });
  });
});
