import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { storeMessages } from '../helpers/history.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const T0 = 1767268800;
const ANN = '14155550001';
const BO = '14155550002';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;

/**
 * Every `conversations` method of Kapso's SDK 0.3.0 against Switchboard, served from its store
 * (kapso-api.md §6.2): `list` as the inbox asks for it, `get`, and `updateStatus` whose effect the
 * next `get` and `list` show. The history is stored through the one write path, and a customer
 * writing through the simulator opens a conversation as Meta's webhook would.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api conversations through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Tenant;
  let client: WhatsAppClient;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    await storeMessages(env.gw, t.phoneNumberId, [
      { id: 'wamid.ann.1', timestamp: T0, waId: ANN, profileName: 'Ann', body: 'hello' },
      { id: 'wamid.ann.2', timestamp: T0 + 60, waId: ANN, direction: 'outbound', body: 'hi Ann' },
      { id: 'wamid.bo.1', timestamp: T0 + 120, waId: BO, profileName: 'Bo', body: 'is it open?' },
      { id: 'wamid.ann.3', timestamp: T0 + 180, waId: ANN, body: 'thanks' },
    ]);
  });
  afterAll(() => env.close());

  const conversationOf = async (phoneNumber: string) => (await client.conversations.list({ phoneNumberId: t.phoneNumberId, phoneNumber })).data[0];

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

  it('pages list with limit and after, and bounds it by last activity', async () => {
    const first = await client.conversations.list({ phoneNumberId: t.phoneNumberId, limit: 1 });
    expect(first.data.map((c) => c.phoneNumber)).toEqual([ANN]);
    const second = await client.conversations.list({ phoneNumberId: t.phoneNumberId, limit: 1, after: first.paging.cursors.after as string });
    expect(second.data.map((c) => c.phoneNumber)).toEqual([BO]);
    const bounded = await client.conversations.list({ phoneNumberId: t.phoneNumberId, lastActiveSince: '2026-01-01T12:01:00Z', lastActiveUntil: '2026-01-01T12:02:30Z' });
    expect(bounded.data.map((c) => c.phoneNumber)).toEqual([BO]);
  });

  it('gets a conversation, ends it with updateStatus and sees it ended', async () => {
    const bo = await conversationOf(BO);
    const id = bo?.id as string;
    expect(await client.conversations.get({ conversationId: id })).toMatchObject({ id, status: 'active', kapso: { contactName: 'Bo' } });
    expect(await client.conversations.updateStatus({ conversationId: id, status: 'ended' })).toEqual({ success: true });
    expect(await client.conversations.get({ conversationId: id })).toMatchObject({ id, status: 'ended' });
    expect((await client.conversations.list({ phoneNumberId: t.phoneNumberId, status: 'ended' })).data.map((c) => c.id)).toEqual([id]);
    expect(await client.conversations.updateStatus({ conversationId: id, status: 'active' })).toEqual({ success: true });
    expect(await client.conversations.get({ conversationId: id })).toMatchObject({ id, status: 'active' });
  });

  it('lists the conversation a customer opened by writing through Meta', async () => {
    const customer = '14155550003';
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: customer, profile_name: 'Cy', message: { type: 'text', text: { body: 'open today?' } } });
    await env.sim.flush();
    const cy = await conversationOf(`+${customer}`);
    expect(cy).toMatchObject({ phoneNumber: customer, status: 'active', kapso: { contactName: 'Cy', lastMessageText: 'open today?' } });
    expect(await client.conversations.get({ conversationId: cy?.id as string })).toMatchObject({ id: cy?.id, phoneNumber: customer });
  });

  it('refuses a status that is neither active nor ended, and changes nothing', async () => {
    const ann = await conversationOf(ANN);
    const error = await client.conversations.updateStatus({ conversationId: ann?.id as string, status: 'archived' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ httpStatus: 400, code: 100 });
    expect(await client.conversations.get({ conversationId: ann?.id as string })).toMatchObject({ status: 'active' });
  });

  it('surfaces an unknown conversation as a GraphApiError with HTTP 404', async () => {
    const error = await client.conversations.get({ conversationId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(error).toMatchObject({ code: 100, httpStatus: 404 });
  });

  it('answers another project’s conversation exactly like an unknown one, for get and updateStatus', async () => {
    const other = await env.newTenant();
    const foreign = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: other.apiKey, graphVersion: 'v24.0' });
    const ann = await conversationOf(ANN);
    expect(await foreign.conversations.get({ conversationId: ann?.id as string }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await foreign.conversations.updateStatus({ conversationId: ann?.id as string, status: 'ended' }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await foreign.conversations.list({ phoneNumberId: t.phoneNumberId }).catch((e: unknown) => e)).toMatchObject({ code: 100, httpStatus: 404 });
    expect(await client.conversations.get({ conversationId: ann?.id as string })).toMatchObject({ status: 'active' });
  });
});
