import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const PHONE = '14155550123';
const BSUID = 'US.13491208655302741918';

/**
 * Kapso's SDK 0.3.0 with a customer who adopted a username and hides their phone: the customer
 * writes (empty wa_id), the business answers by `recipient`, and everything reads back with the
 * BSUID fields (kapso-api.md §1.4, §2.2, §6.1.1, §6.2, §6.3).
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api 0.3.0 and business-scoped user ids (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let client: WhatsAppClient;
  let sentId = '';
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: PHONE, profile_name: 'Maya Chen', user_id: BSUID, username: 'maya', hide_phone: true, message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
  });
  afterAll(() => env.close());

  it('sends by recipient alone and answers Meta’s contacts[].user_id', async () => {
    const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, recipient: BSUID, body: 'Your order shipped' });
    expect(res.contacts[0]).toMatchObject({ input: BSUID, userId: BSUID });
    sentId = res.messages[0]?.id ?? '';
    expect(sentId).toMatch(/^wamid\./);
  });

  it('reads the sent message back with toUserId, advanced to read by statuses that name only the BSUID', async () => {
    await env.sim.flush();
    await waitFor('the read status is applied', async () => (await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sentId, fields: 'kapso(status)' })).kapso?.status === 'read');
    const sent = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sentId });
    expect(sent).toMatchObject({ id: sentId, type: 'text', toUserId: BSUID, kapso: { direction: 'outbound' } });
    expect(sent.to).toBeUndefined();
    expect(sent.recipient).toBeUndefined();
  });

  it('lists the customer’s messages by BSUID, the inbound one with fromUserId and no from', async () => {
    const page = await client.messages.query({ phoneNumberId: t.phoneNumberId, businessScopedUserId: BSUID });
    expect(page.data.map((m) => m.kapso?.direction).sort()).toEqual(['inbound', 'outbound']);
    const inbound = page.data.find((m) => m.kapso?.direction === 'inbound');
    expect(inbound).toMatchObject({ fromUserId: BSUID });
    expect(inbound?.from).toBeUndefined();
    expect(new Set(page.data.map((m) => m.kapso?.whatsappConversationId)).size).toBe(1);
    expect((await client.messages.query({ phoneNumberId: t.phoneNumberId, businessScopedUserId: 'US.000000000000' })).data).toEqual([]);
  });

  it('finds the contact by BSUID: listed, read and updated, with a null waId', async () => {
    const list = await client.contacts.list({ phoneNumberId: t.phoneNumberId, businessScopedUserId: BSUID });
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ waId: null, businessScopedUserId: BSUID, username: 'maya', profileName: 'Maya Chen' });
    expect(await client.contacts.update({ phoneNumberId: t.phoneNumberId, waId: BSUID, displayName: 'Maya (wholesale)' })).toEqual({ success: true });
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: BSUID })).toMatchObject({ businessScopedUserId: BSUID, displayName: 'Maya (wholesale)' });
    await expect(client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: 'US.000000000000' })).rejects.toMatchObject({ httpStatus: 404 });
  });

  it('lists the conversation by BSUID, with no phone number', async () => {
    const list = await client.conversations.list({ phoneNumberId: t.phoneNumberId, businessScopedUserId: BSUID });
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ phoneNumber: null, businessScopedUserId: BSUID, username: 'maya', kapso: { messagesCount: 2 } });
  });

  it('keeps one contact and one conversation once the customer shows their phone', async () => {
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: PHONE, user_id: BSUID, hide_phone: false, message: { type: 'text', text: { body: 'here is my number' } } });
    await env.sim.flush();
    const contacts = await client.contacts.list({ phoneNumberId: t.phoneNumberId });
    expect(contacts.data).toHaveLength(1);
    expect(contacts.data[0]).toMatchObject({ waId: PHONE, businessScopedUserId: BSUID });
    expect(await client.contacts.get({ phoneNumberId: t.phoneNumberId, waId: PHONE })).toMatchObject({ id: contacts.data[0]?.id });
    const conversations = await client.conversations.list({ phoneNumberId: t.phoneNumberId, phoneNumber: `+${PHONE}` });
    expect(conversations.data).toHaveLength(1);
    expect(conversations.data[0]).toMatchObject({ phoneNumber: PHONE, businessScopedUserId: BSUID, kapso: { messagesCount: 3 } });
  });
});
