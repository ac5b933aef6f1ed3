import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, firstMessageOf, postWebhook } from '../helpers/factories.ts';
import { storeMessages } from '../helpers/history.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';
const T0 = 1767268800;
const ANN = '14155550001';
const BO = '14155550002';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
type SendResponse = Awaited<ReturnType<WhatsAppClient['messages']['sendText']>>;

/**
 * Every `messages` method of Kapso's SDK 0.3.0 against Switchboard, whose Graph API is the
 * simulator: each send is accepted by Meta, answered in Meta's shape and stored as sent
 * (kapso-api.md §6.1.1); mark-as-read marks the stored message (§6.1.2); the history reads page
 * and filter the store (§6.1.3, §6.1.4).
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api messages through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Tenant;
  let client: WhatsAppClient;
  let mediaId: string;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    client = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
    // The customer writes first: free-form sends need the 24-hour window open.
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
    const upload = await client.media.upload({
      phoneNumberId: t.phoneNumberId,
      type: 'image/png',
      file: new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], { type: 'image/png' }),
      fileName: 'receipt.png',
    });
    mediaId = upload.id;
  });
  afterAll(() => env.close());

  const to = `+${CUSTOMER}`;
  const wamidOf = (res: SendResponse) => res.messages[0]?.id ?? '';

  /** Meta's send answer, then the message as the gateway stored it (both camel-cased by the SDK). */
  async function expectSentAndStored(res: SendResponse, stored: Record<string, unknown>) {
    expect(res).toMatchObject({ messagingProduct: 'whatsapp', contacts: [{ input: expect.any(String), waId: CUSTOMER }] });
    const wamid = wamidOf(res);
    expect(wamid).toMatch(/^wamid\./);
    const message = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid });
    expect(message).toMatchObject({ id: wamid, to: CUSTOMER, ...stored, kapso: { direction: 'outbound', phoneNumber: CUSTOMER } });
    return message;
  }

  async function storedKapso(wamid: string) {
    await env.sim.flush();
    return client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid, fields: 'kapso(direction,status)' });
  }

  describe('sends', () => {
    it('sendText: sent, stored and advanced to read', async () => {
      const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to, body: 'Your order shipped 📦', previewUrl: false });
      await expectSentAndStored(res, { type: 'text', text: { body: 'Your order shipped 📦' } });
      expect((await storedKapso(wamidOf(res))).kapso).toEqual({ direction: 'outbound', status: 'read' });
    });

    it('sendImage with a media id from media.upload', async () => {
      const res = await client.messages.sendImage({ phoneNumberId: t.phoneNumberId, to: CUSTOMER, image: { id: mediaId, caption: 'receipt' } });
      await expectSentAndStored(res, { type: 'image', image: { id: mediaId, caption: 'receipt' } });
    });

    it('sendAudio, sendVideo, sendDocument and sendSticker by id or link', async () => {
      const audio = await client.messages.sendAudio({ phoneNumberId: t.phoneNumberId, to, audio: { link: 'https://cdn.example.test/note.ogg', voice: true } });
      await expectSentAndStored(audio, { type: 'audio', audio: { link: 'https://cdn.example.test/note.ogg', voice: true } });
      const video = await client.messages.sendVideo({ phoneNumberId: t.phoneNumberId, to, video: { link: 'https://cdn.example.test/setup.mp4', caption: 'Setup in 30 s' } });
      await expectSentAndStored(video, { type: 'video', video: { caption: 'Setup in 30 s' } });
      const document = await client.messages.sendDocument({ phoneNumberId: t.phoneNumberId, to, document: { id: mediaId, filename: 'invoice.pdf', caption: 'Invoice' } });
      await expectSentAndStored(document, { type: 'document', document: { id: mediaId, filename: 'invoice.pdf', caption: 'Invoice' } });
      const sticker = await client.messages.sendSticker({ phoneNumberId: t.phoneNumberId, to, sticker: { link: 'https://cdn.example.test/thanks.webp' } });
      await expectSentAndStored(sticker, { type: 'sticker', sticker: { link: 'https://cdn.example.test/thanks.webp' } });
    });

    it('sendLocation and sendContacts', async () => {
      const location = await client.messages.sendLocation({ phoneNumberId: t.phoneNumberId, to, location: { latitude: 37.7793, longitude: -122.4193, name: 'Our store', address: '1 Market St' } });
      await expectSentAndStored(location, { type: 'location', location: { latitude: 37.7793, longitude: -122.4193, name: 'Our store' } });
      const contacts = await client.messages.sendContacts({
        phoneNumberId: t.phoneNumberId,
        to,
        contacts: [{ name: { formattedName: 'Support Desk', firstName: 'Support' }, phones: [{ phone: '+15550102030', type: 'WORK', waId: '15550102030' }] }],
      });
      await expectSentAndStored(contacts, { type: 'contacts', contacts: [{ name: { formattedName: 'Support Desk' }, phones: [{ waId: '15550102030' }] }] });
    });

    it('templates.list and sendTemplate', async () => {
      const templates = await client.templates.list({ businessAccountId: t.wabaId });
      const hello = templates.data.find((x: { name: string }) => x.name === 'hello_world');
      expect(hello).toBeDefined();
      const res = await client.messages.sendTemplate({ phoneNumberId: t.phoneNumberId, to: CUSTOMER, template: { name: 'hello_world', language: { code: 'en_US' } } });
      await expectSentAndStored(res, { type: 'template', template: { name: 'hello_world' } });
    });

    it('sendReaction to the customer’s message, as a reply with contextMessageId', async () => {
      const { id } = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'thanks!' } } });
      await env.sim.flush();
      const reaction = await client.messages.sendReaction({ phoneNumberId: t.phoneNumberId, to, reaction: { messageId: id, emoji: '👍' } });
      await expectSentAndStored(reaction, { type: 'reaction', reaction: { messageId: id, emoji: '👍' } });
      const reply = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to, body: 'You are welcome', contextMessageId: id });
      await expectSentAndStored(reply, { type: 'text', context: { id } });
    });

    it('sendRaw forwards the body as given (snake-cased)', async () => {
      const res = await client.messages.sendRaw({
        phoneNumberId: t.phoneNumberId,
        payload: { messagingProduct: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'raw hello' }, bizOpaqueCallbackData: 'order-4471' },
      });
      await expectSentAndStored(res, { type: 'text', text: { body: 'raw hello' } });
    });
  });

  describe('interactive sends', () => {
    it('sendInteractiveButtons', async () => {
      const res = await client.messages.sendInteractiveButtons({
        phoneNumberId: t.phoneNumberId,
        to: CUSTOMER,
        bodyText: 'Keep your slot tomorrow at 9?',
        buttons: [
          { id: 'keep', title: 'Keep' },
          { id: 'move', title: 'Reschedule' },
        ],
      });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'button', action: { buttons: [{ reply: { id: 'keep' } }, { reply: { id: 'move' } }] } } });
    });

    it('sendInteractiveList', async () => {
      const res = await client.messages.sendInteractiveList({
        phoneNumberId: t.phoneNumberId,
        to,
        bodyText: 'How fast do you need it?',
        buttonText: 'Choose',
        header: { type: 'text', text: 'Shipping' },
        footerText: 'Prices at checkout',
        sections: [{ title: 'Fast', rows: [{ id: 'ship_express', title: 'Express', description: '1-2 days' }] }],
      });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'list', action: { button: 'Choose', sections: [{ rows: [{ id: 'ship_express' }] }] } } });
    });

    it('sendInteractiveProduct and sendInteractiveProductList', async () => {
      const product = await client.messages.sendInteractiveProduct({ phoneNumberId: t.phoneNumberId, to, bodyText: 'Back in stock', catalogId: '1234567890', productRetailerId: 'sku-1' });
      await expectSentAndStored(product, { type: 'interactive', interactive: { type: 'product', action: { catalogId: '1234567890', productRetailerId: 'sku-1' } } });
      const productList = await client.messages.sendInteractiveProductList({
        phoneNumberId: t.phoneNumberId,
        to,
        header: { type: 'text', text: 'Planters' },
        bodyText: 'Our best sellers',
        catalogId: '1234567890',
        sections: [{ title: 'Ceramic', productItems: [{ productRetailerId: 'sku-1' }, { productRetailerId: 'sku-2' }] }],
      });
      await expectSentAndStored(productList, { type: 'interactive', interactive: { type: 'product_list', action: { sections: [{ productItems: [{ productRetailerId: 'sku-1' }, {}] }] } } });
    });

    it('sendInteractiveFlow', async () => {
      const res = await client.messages.sendInteractiveFlow({
        phoneNumberId: t.phoneNumberId,
        to,
        bodyText: 'Pick a date and party size.',
        parameters: { flowId: '1234567890123456', flowCta: 'Book', flowToken: 'booking-7781', flowAction: 'navigate', flowActionPayload: { screen: 'DATE_PICKER' } },
      });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'flow', action: { name: 'flow', parameters: { flowId: '1234567890123456', flowMessageVersion: '3' } } } });
    });

    it('sendInteractiveAddress and sendInteractiveLocationRequest', async () => {
      const address = await client.messages.sendInteractiveAddress({ phoneNumberId: t.phoneNumberId, to, bodyText: 'Where should we deliver?', parameters: { country: 'IN', values: { name: 'Asha Rao' } } });
      await expectSentAndStored(address, { type: 'interactive', interactive: { type: 'address_message', action: { name: 'address_message', parameters: { country: 'IN' } } } });
      const location = await client.messages.sendInteractiveLocationRequest({
        phoneNumberId: t.phoneNumberId,
        to,
        bodyText: 'Share your location to find the nearest store.',
        parameters: { requestMessage: 'Send location' },
      });
      await expectSentAndStored(location, { type: 'interactive', interactive: { type: 'location_request_message', action: { name: 'send_location', parameters: { requestMessage: 'Send location' } } } });
    });

    it('sendInteractiveCallPermission', async () => {
      const res = await client.messages.sendInteractiveCallPermission({ phoneNumberId: t.phoneNumberId, to, bodyText: 'May we call you about your order?', parameters: { phoneNumber: CUSTOMER, callPurpose: 'Order support' } });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'call_permission_request', action: { name: 'call_permission_request', parameters: { phoneNumber: CUSTOMER, callPurpose: 'Order support' } } } });
    });

    it('sendInteractiveCtaUrl', async () => {
      const res = await client.messages.sendInteractiveCtaUrl({ phoneNumberId: t.phoneNumberId, to, bodyText: 'See the workshop dates.', parameters: { displayText: 'See dates', url: 'https://example.com/w?c=91' } });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'cta_url', action: { name: 'cta_url', parameters: { displayText: 'See dates', url: 'https://example.com/w?c=91' } } } });
    });

    it('sendInteractiveCarousel', async () => {
      const card = (cardIndex: number) => ({ cardIndex, header: { type: 'image' as const, image: { link: `https://cdn.example.test/p${cardIndex}.png` } }, bodyText: `Planter ${cardIndex}`, action: { displayText: 'Buy', url: `https://example.com/p/${cardIndex}` } });
      const res = await client.messages.sendInteractiveCarousel({ phoneNumberId: t.phoneNumberId, to, bodyText: 'New this week', cards: [card(0), card(1)] });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'carousel', action: { cards: [{ cardIndex: 0 }, { cardIndex: 1 }] } } });
    });

    it('sendInteractiveCatalogMessage', async () => {
      const res = await client.messages.sendInteractiveCatalogMessage({ phoneNumberId: t.phoneNumberId, to, bodyText: 'Browse our catalog', parameters: { thumbnailProductRetailerId: 'sku-1' } });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'catalog_message', action: { name: 'catalog_message', parameters: { thumbnailProductRetailerId: 'sku-1' } } } });
    });

    it('sendInteractiveRaw', async () => {
      const res = await client.messages.sendInteractiveRaw({
        phoneNumberId: t.phoneNumberId,
        to,
        interactive: { type: 'button', body: { text: 'Still there?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } },
      });
      await expectSentAndStored(res, { type: 'interactive', interactive: { type: 'button', body: { text: 'Still there?' } } });
    });

    it('a send Meta refuses comes back as Meta’s GraphApiError and stores nothing', async () => {
      const before = await client.messages.query({ phoneNumberId: t.phoneNumberId, direction: 'outbound', limit: 100 });
      const error = await client.messages
        .sendInteractiveRaw({ phoneNumberId: t.phoneNumberId, to, interactive: { type: 'button', body: { text: 'Too many?' }, action: { buttons: [1, 2, 3, 4].map((n) => ({ type: 'reply', reply: { id: `b${n}`, title: `B${n}` } })) } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ httpStatus: 400, code: 100 });
      const after = await client.messages.query({ phoneNumberId: t.phoneNumberId, direction: 'outbound', limit: 100 });
      expect(after.data.length).toBe(before.data.length);
    });
  });

  describe('markRead', () => {
    it('marks the stored inbound message read', async () => {
      const { id } = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'seen?' } } });
      await env.sim.flush();
      await expect(client.messages.markRead({ phoneNumberId: t.phoneNumberId, messageId: id })).resolves.toMatchObject({ success: true });
      expect((await storedKapso(id)).kapso).toEqual({ direction: 'inbound', status: 'read' });
    });

    it('marks it read with the typing indicator', async () => {
      const { id } = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'typing?' } } });
      await env.sim.flush();
      await expect(client.messages.markRead({ phoneNumberId: t.phoneNumberId, messageId: id, typingIndicator: { type: 'text' } })).resolves.toMatchObject({ success: true });
      expect((await storedKapso(id)).kapso).toEqual({ direction: 'inbound', status: 'read' });
    });

    it('answers Meta’s error for a message Meta does not know', async () => {
      const error = await client.messages.markRead({ phoneNumberId: t.phoneNumberId, messageId: 'wamid.unknown' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ httpStatus: 400 });
    });
  });

  describe('get', () => {
    it('reads a stored inbound message, camel-cased by the SDK', async () => {
      const body = fixtureFor('text-reply', t);
      const sent = firstMessageOf(body) as { id: string; text: { body: string }; context: { id: string } };
      expect((await postWebhook(env.gw, body, t.appSecret)).statusCode).toBe(200);
      const message = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sent.id });
      expect(message).toMatchObject({
        id: sent.id,
        type: 'text',
        from: '14155550123',
        text: { body: sent.text.body },
        context: { id: sent.context.id },
        kapso: { direction: 'inbound', status: 'received', phoneNumber: '14155550123', hasMedia: false, contactName: 'Maya Chen', content: sent.text.body },
      });
      expect(message.kapso?.whatsappConversationId).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('narrows the kapso block with the fields the SDK builds', async () => {
      const body = fixtureFor('image', t);
      const sent = firstMessageOf(body);
      await postWebhook(env.gw, body, t.appSecret);
      // No graphVersion: the SDK's default version is served alike.
      const unpinned = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: t.apiKey });
      const message = await unpinned.messages.get({ phoneNumberId: t.phoneNumberId, messageId: sent.id, fields: 'kapso(direction,has_media)' });
      expect(message.kapso).toEqual({ direction: 'inbound', hasMedia: true });
    });

    it('surfaces an unknown message as a GraphApiError carrying Meta code 100 and HTTP 404', async () => {
      const error = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: 'wamid.missing' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ code: 100, httpStatus: 404 });
    });

    it('answers another project’s message exactly like an unknown one', async () => {
      const other = await env.newTenant();
      const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to, body: 'mine' });
      const foreign = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: other.apiKey, graphVersion: 'v24.0' });
      const error = await foreign.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamidOf(res) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 100, httpStatus: 404 });
    });

    it('surfaces a wrong key as an authentication GraphApiError with HTTP 401', async () => {
      const wrong = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: 'sbk_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' });
      const error = await wrong.messages.get({ phoneNumberId: t.phoneNumberId, messageId: 'wamid.x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ httpStatus: 401, code: 190 });
    });
  });

  describe('query and listByConversation', () => {
    let h: Tenant;
    let reader: WhatsAppClient;
    beforeAll(async () => {
      h = await env.newTenant();
      reader = new WhatsAppClient({ baseUrl: env.gatewayUrl, kapsoApiKey: h.apiKey, graphVersion: 'v24.0' });
      await storeMessages(env.gw, h.phoneNumberId, [
        { id: 'wamid.ann.1', timestamp: T0, waId: ANN, profileName: 'Ann', body: 'hello' },
        { id: 'wamid.ann.2', timestamp: T0 + 60, waId: ANN, direction: 'outbound', body: 'hi Ann' },
        { id: 'wamid.bo.1', timestamp: T0 + 120, waId: BO, profileName: 'Bo', body: 'is it open?' },
        { id: 'wamid.ann.3', timestamp: T0 + 180, waId: ANN, body: 'thanks' },
      ]);
    });

    it('pages through messages.query newest first with the cursors it is given', async () => {
      const first = await reader.messages.query({ phoneNumberId: h.phoneNumberId, limit: 3 });
      expect(first.data.map((m) => m.id)).toEqual(['wamid.ann.3', 'wamid.bo.1', 'wamid.ann.2']);
      expect(first.data[0]).toMatchObject({ type: 'text', from: ANN, kapso: { direction: 'inbound', contactName: 'Ann', content: 'thanks' } });
      const after = first.paging.cursors.after;
      expect(after).toEqual(expect.any(String));
      const second = await reader.messages.query({ phoneNumberId: h.phoneNumberId, limit: 3, after: after as string });
      expect(second.data.map((m) => m.id)).toEqual(['wamid.ann.1']);
      expect(second.paging.next).toBeNull();
    });

    it('filters messages.query by direction and time as the SDK snake-cases them', async () => {
      const res = await reader.messages.query({ phoneNumberId: h.phoneNumberId, direction: 'inbound', since: String(T0 + 1), until: new Date((T0 + 150) * 1000).toISOString() });
      expect(res.data.map((m) => m.id)).toEqual(['wamid.bo.1']);
    });

    it('filters messages.query by status and sees the sends of this file stored', async () => {
      const read = await client.messages.query({ phoneNumberId: t.phoneNumberId, direction: 'outbound', status: 'read', fields: 'kapso(status)' });
      expect(read.data.length).toBeGreaterThan(0);
      expect(read.data.every((m) => m.kapso?.status === 'read')).toBe(true);
    });

    it('reads one conversation with messages.listByConversation, narrowed by fields', async () => {
      const [bo] = (await reader.conversations.list({ phoneNumberId: h.phoneNumberId, phoneNumber: `+${BO}` })).data;
      const res = await reader.messages.listByConversation({ phoneNumberId: h.phoneNumberId, conversationId: bo?.id as string, fields: 'kapso(direction,whatsapp_conversation_id)' });
      expect(res.data).toEqual([expect.objectContaining({ id: 'wamid.bo.1', kapso: { direction: 'inbound', whatsappConversationId: bo?.id } })]);
    });

    it('pages listByConversation with limit and after', async () => {
      const [ann] = (await reader.conversations.list({ phoneNumberId: h.phoneNumberId, phoneNumber: ANN })).data;
      const first = await reader.messages.listByConversation({ phoneNumberId: h.phoneNumberId, conversationId: ann?.id as string, limit: 2 });
      expect(first.data.map((m) => m.id)).toEqual(['wamid.ann.3', 'wamid.ann.2']);
      const second = await reader.messages.listByConversation({ phoneNumberId: h.phoneNumberId, conversationId: ann?.id as string, limit: 2, after: first.paging.cursors.after as string });
      expect(second.data.map((m) => m.id)).toEqual(['wamid.ann.1']);
    });

    it('surfaces a forged cursor as a GraphApiError with HTTP 400', async () => {
      const error = await reader.messages.query({ phoneNumberId: h.phoneNumberId, after: 'forged.cursor' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphApiError);
      expect(error).toMatchObject({ code: 100, httpStatus: 400 });
    });
  });
});
