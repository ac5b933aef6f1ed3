import { buildKapsoFields, buildTemplateSendPayload, WhatsAppClient } from 'kapso-sdk-0.1';
import { WhatsAppClient as CurrentClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { INBOX_CONVERSATION_FIELDS, INBOX_MESSAGE_FIELDS, type InboxMessage, inboxFetch, ISO_INSTANT, messageIn } from '../helpers/kapso-inbox.ts';
import { jpegBytes } from '../media/helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from '../media/loop.ts';

/**
 * Kapso's open-source inbox (gokapso/whatsapp-cloud-inbox) against Switchboard, call by call, with
 * the SDK version its lockfile pins (0.1.0) and the settings a user gives it: the project key and
 * WHATSAPP_API_URL = the gateway's origin. SDK 0.1 is in Kapso mode only on a host ending in
 * `kapso.ai` (kapso-api.md §1.1), so the gateway is reached as `inbox.kapso.ai` (a hosts-file name,
 * resolved to loopback here): every request also proves that any Host header is served.
 */
describe.each(dialects)('Kapso inbox against the gateway (%s)', (dialect) => {
  const CUSTOMER = '14155550123';
  let loop: MediaLoop;
  let t: Tenant;
  let apiUrl: string;
  let client: WhatsAppClient;
  let conversationId: string;
  let conversationPhone: string;
  const sent = { text: '', image: '', voice: '', reaction: '', location: '' };

  beforeAll(async () => {
    const port = await freePort();
    loop = await startMediaLoop(dialect, 'file', undefined, { PORT: String(port), PUBLIC_URL: `http://inbox.kapso.ai:${port}` });
    t = await loop.tenant();
    apiUrl = `http://inbox.kapso.ai:${port}`;
    client = new WhatsAppClient({ baseUrl: apiUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0', fetch: inboxFetch });

    // The customer writes: text, a photo with a caption, a voice note, a reaction, a location.
    sent.text = await loop.receive(t, 'text', { body: 'Hi, is my order on its way?' });
    sent.image = await loop.receive(t, 'image', { caption: 'this arrived broken', data: jpegBytes(2_048).toString('base64') });
    sent.voice = await loop.receive(t, 'audio', { voice: true, data: Buffer.from('OggS voice note').toString('base64') });
    sent.reaction = await loop.receive(t, 'reaction', { message_id: sent.text, emoji: '👍' });
    sent.location = await loop.receive(t, 'location', { latitude: 52.52, longitude: 13.405, name: 'Home' });
    await loop.worker.runOnce();
  });
  afterAll(() => loop.close());

  /** The thread as the inbox polls it, every 5 s: one conversation, all fifteen kapso fields. */
  async function thread(): Promise<Map<string, InboxMessage>> {
    const page = await client.messages.listByConversation({ phoneNumberId: t.phoneNumberId, conversationId, limit: 100, fields: buildKapsoFields([...INBOX_MESSAGE_FIELDS]) });
    return new Map(page.data.map((m) => [m.id, m as unknown as InboxMessage]));
  }

  const platformGet = (path: string) => inboxFetch(`${apiUrl}/platform/v1${path}`, { headers: { 'X-API-Key': t.apiKey }, cache: 'no-store' });

  it('1. discovers the number on the Platform API, inbox-ready', async () => {
    const res = await platformGet('/whatsapp/phone_numbers?page=1&per_page=100');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Record<string, unknown>[]; meta: Record<string, unknown> };
    expect(body.meta).toMatchObject({ page: 1, per_page: 100, total_pages: 1, total_count: 1 });
    expect(body.data).toHaveLength(1);
    const n = body.data[0] ?? {};
    expect(n).toMatchObject({
      phone_number_id: t.phoneNumberId,
      status: 'CONNECTED',
      inbound_processing_enabled: true,
      business_account_id: t.wabaId,
      display_phone_number: expect.any(String),
      display_name: expect.any(String),
      name: expect.any(String),
    });
  });

  it('2. lists conversations with the six kapso fields the list shows', async () => {
    const page = await client.conversations.list({ phoneNumberId: t.phoneNumberId, limit: 100, fields: buildKapsoFields([...INBOX_CONVERSATION_FIELDS]) });
    expect(page.data).toHaveLength(1);
    const c = page.data[0] as unknown as Record<string, unknown> & { kapso: Record<string, unknown> };
    expect(c).toMatchObject({ id: expect.any(String), phoneNumber: expect.stringMatching(/\d{11}$/), status: 'active', phoneNumberId: t.phoneNumberId, metadata: {} });
    expect(c.lastActiveAt).toMatch(ISO_INSTANT);
    expect(c.kapso).toEqual({
      contactName: 'Maya Chen',
      messagesCount: 5,
      lastMessageType: 'location',
      lastMessageText: expect.stringMatching(/\S/),
      lastInboundAt: expect.stringMatching(ISO_INSTANT),
      lastOutboundAt: null,
    });
    conversationId = String(c.id);
    conversationPhone = String(c.phoneNumber);
  });

  it('3. lists the thread with all fifteen kapso fields, every field the thread reads typed', async () => {
    const byId = await thread();
    expect([...byId.keys()].sort()).toEqual(Object.values(sent).sort());
    for (const m of byId.values()) {
      expect(m.timestamp).toMatch(/^\d{10}$/);
      expect(m.from).toBe(CUSTOMER);
      expect(m.kapso).toMatchObject({ direction: 'inbound', status: 'received', phoneNumber: expect.stringMatching(/\d{11}$/), hasMedia: expect.any(Boolean), content: expect.any(String) });
      expect(m.kapso.whatsappConversationId).toBe(conversationId);
    }
    expect(byId.get(sent.text)?.text).toEqual({ body: 'Hi, is my order on its way?' });
    expect(byId.get(sent.reaction)?.reaction).toEqual({ messageId: sent.text, emoji: '👍' });

    const image = messageIn(byId, sent.image);
    expect(image.image).toMatchObject({ id: expect.any(String), caption: 'this arrived broken' });
    expect(image.kapso.hasMedia).toBe(true);
    expect(image.kapso.mediaUrl).toMatch(new RegExp(`^${apiUrl}/media/`));
    expect(image.kapso.mediaData).toEqual({ url: image.kapso.mediaUrl, filename: expect.any(String), contentType: 'image/jpeg', byteSize: 2_048, id: expect.any(String) });
    expect(image.kapso.messageTypeData).toEqual(expect.any(Object));
    const voice = messageIn(byId, sent.voice);
    expect(voice.kapso.content).toMatch(/^\[Audio attached\]/);

    // The browser loads the stored photo straight from media_url: no headers at all.
    const photo = await inboxFetch(image.kapso.mediaUrl ?? '');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await photo.arrayBuffer()).equals(jpegBytes(2_048))).toBe(true);
  });

  it('3b. ignores kapso field names it does not know', async () => {
    const page = await client.messages.listByConversation({ phoneNumberId: t.phoneNumberId, conversationId, limit: 100, fields: 'kapso(direction,not_a_field,some_future_field)' });
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data[0]?.kapso).toEqual({ direction: 'inbound' });
  });

  it('4. replies in text (as a reply to the question) and the reply shows in the same thread', async () => {
    const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to: conversationPhone, body: 'Yes! It ships today 📦', contextMessageId: sent.text });
    const wamid = res.messages[0]?.id ?? '';
    await loop.sim.flush();
    const reply = messageIn(await thread(), wamid);
    expect(reply).toMatchObject({ type: 'text', text: { body: 'Yes! It ships today 📦' }, context: { id: sent.text } });
    expect(reply.timestamp).toMatch(/^\d{10}$/);
    expect(reply.kapso).toMatchObject({ direction: 'outbound', whatsappConversationId: conversationId, content: 'Yes! It ships today 📦' });
    expect(['sent', 'delivered', 'read']).toContain(reply.kapso.status);
  });

  it('4b. sends to the number with or without its +, into the same conversation', async () => {
    const digits = conversationPhone.replace(/\D/g, '');
    for (const to of [digits, `+${digits}`]) {
      const res = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to, body: `to ${to}` });
      const stored = messageIn(await thread(), res.messages[0]?.id);
      expect(stored.kapso.whatsappConversationId).toBe(conversationId);
      expect(stored.kapso.phoneNumber).toBe(conversationPhone);
    }
  });

  it('4c. uploads media (multipart, type as the inbox gives it) and sends it by id; the copy is served', async () => {
    const photo = jpegBytes(4_096);
    const pdf = Buffer.from('%PDF-1.4\n% the invoice\n');
    const upImage = await client.media.upload({ phoneNumberId: t.phoneNumberId, type: 'image', file: new File([new Uint8Array(photo)], 'label.jpg', { type: 'image/jpeg' }), fileName: 'label.jpg' });
    const upDoc = await client.media.upload({ phoneNumberId: t.phoneNumberId, type: 'document', file: new File([new Uint8Array(pdf)], 'invoice.pdf', { type: 'application/pdf' }), fileName: 'invoice.pdf' });
    const img = await client.messages.sendImage({ phoneNumberId: t.phoneNumberId, to: conversationPhone, image: { id: upImage.id, caption: 'your label' } });
    const doc = await client.messages.sendDocument({ phoneNumberId: t.phoneNumberId, to: conversationPhone, document: { id: upDoc.id, caption: 'your invoice', filename: 'invoice.pdf' } });
    await loop.worker.runOnce();

    const byId = await thread();
    const sentImage = messageIn(byId, img.messages[0]?.id);
    expect(sentImage.image).toMatchObject({ id: upImage.id, caption: 'your label' });
    expect(sentImage.kapso).toMatchObject({ direction: 'outbound', hasMedia: true, whatsappConversationId: conversationId });
    expect(Buffer.from(await (await inboxFetch(sentImage.kapso.mediaUrl ?? '')).arrayBuffer()).equals(photo)).toBe(true);
    const sentDoc = messageIn(byId, doc.messages[0]?.id);
    expect(sentDoc.document).toMatchObject({ id: upDoc.id, caption: 'your invoice', filename: 'invoice.pdf' });
    expect(sentDoc.kapso.mediaData).toMatchObject({ filename: 'invoice.pdf', contentType: 'application/pdf', byteSize: pdf.length });
  });

  it('4d. sends interactive buttons', async () => {
    const res = await client.messages.sendInteractiveButtons({
      phoneNumberId: t.phoneNumberId,
      to: conversationPhone,
      bodyText: 'Was this helpful?',
      header: { type: 'text', text: 'Quick question' },
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'No' },
      ],
    });
    const stored = messageIn(await thread(), res.messages[0]?.id);
    expect(stored).toMatchObject({ type: 'interactive', interactive: { type: 'button' }, kapso: { direction: 'outbound', content: expect.stringMatching(/Was this helpful\?/) } });
  });

  it('5. lists the WABA templates and sends one with components', async () => {
    // Set-up, not an inbox call: a template with a body parameter, approved by the simulator.
    await client.templates.create({
      businessAccountId: t.wabaId,
      name: 'order_update',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order is on its way.', example: { bodyText: [['Maya']] } }],
    });
    await loop.sim.flush();
    const templates = await client.templates.list({ businessAccountId: t.wabaId, limit: 100 });
    expect(templates.data.length).toBeGreaterThan(0);
    for (const tpl of templates.data) expect(tpl).toMatchObject({ id: expect.any(String), name: expect.any(String), category: expect.any(String), language: expect.any(String), status: expect.any(String), components: expect.any(Array) });
    const withParam = templates.data.find((x) => JSON.stringify(x.components).includes('{{1}}'));
    expect(withParam).toBeDefined();
    const payload = buildTemplateSendPayload({ name: withParam?.name ?? '', language: withParam?.language ?? 'en_US', body: [{ type: 'text', text: 'Maya' }] });
    const res = await client.messages.sendTemplate({ phoneNumberId: t.phoneNumberId, to: conversationPhone, template: payload });
    const stored = messageIn(await thread(), res.messages[0]?.id);
    expect(stored).toMatchObject({ type: 'template', template: { name: withParam?.name }, kapso: { direction: 'outbound', whatsappConversationId: conversationId } });
  });

  it('6. fetches media by id through GET /{media_id}?phone_number_id= and downloads its url with no headers', async () => {
    const page = await client.messages.listByConversation({ phoneNumberId: t.phoneNumberId, conversationId, limit: 100 });
    const image = page.data.find((m) => m.id === sent.image) as unknown as { image: { id: string } };
    const metadata = await client.media.get({ mediaId: image.image.id, phoneNumberId: t.phoneNumberId });
    expect(metadata).toMatchObject({ messagingProduct: 'whatsapp', id: image.image.id, mimeType: 'image/jpeg', fileSize: '2048', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(metadata.url).toMatch(new RegExp(`^${apiUrl}/media/`));
    const bytes = await client.media.download({ mediaId: image.image.id, phoneNumberId: t.phoneNumberId, auth: 'never' });
    expect(Buffer.from(bytes as ArrayBuffer).equals(jpegBytes(2_048))).toBe(true);
  });

  it('6b. a media id of no stored message answers like one that does not exist', async () => {
    await expect(client.media.get({ mediaId: '999000111222333', phoneNumberId: t.phoneNumberId })).rejects.toMatchObject({ httpStatus: 404 });
  });
});

/**
 * The same inbox upgraded to the current SDK (the first way docs/kapso-inbox.md offers): Kapso mode
 * from the API key alone, on any host, with Kapso's base URL shape (`…/meta/whatsapp`).
 */
describe.each(dialects)('Kapso inbox on the current SDK and the /meta/whatsapp prefix (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  let client: CurrentClient;
  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    loop = await startMediaLoop(dialect, 'file', undefined, { PORT: String(port), PUBLIC_URL: origin });
    t = await loop.tenant();
    client = new CurrentClient({ baseUrl: `${origin}/meta/whatsapp`, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  });
  afterAll(() => loop.close());

  it('lists, reads the thread, replies and downloads media through the prefix', async () => {
    const photo = jpegBytes(1_500);
    const wamid = await loop.receive(t, 'image', { caption: 'look', data: photo.toString('base64') });
    await loop.worker.runOnce();
    const conversations = await client.conversations.list({ phoneNumberId: t.phoneNumberId, limit: 100, fields: buildKapsoFields([...INBOX_CONVERSATION_FIELDS]) });
    const conversation = conversations.data[0];
    expect(conversation?.kapso).toMatchObject({ lastMessageText: 'look', lastMessageType: 'image', messagesCount: 1 });

    const reply = await client.messages.sendText({ phoneNumberId: t.phoneNumberId, to: conversation?.phoneNumber ?? '', body: 'Thanks!', contextMessageId: wamid });
    const thread = await client.messages.listByConversation({ phoneNumberId: t.phoneNumberId, conversationId: conversation?.id ?? '', limit: 100, fields: buildKapsoFields([...INBOX_MESSAGE_FIELDS]) });
    expect(thread.data.map((m) => m.id).sort()).toEqual([wamid, reply.messages[0]?.id].sort());

    const image = thread.data.find((m) => m.id === wamid) as unknown as { image: { id: string } };
    const bytes = await client.media.download({ mediaId: image.image.id, phoneNumberId: t.phoneNumberId, auth: 'never' });
    expect(Buffer.from(bytes as ArrayBuffer).equals(photo)).toBe(true);
  });

  it('serves whatever Host header a proxy or hosts file puts in front of it', async () => {
    for (const host of ['switchboard.internal.example', 'inbox.kapso.ai:443', '10.1.2.3:8080']) {
      const res = await loop.gw.app.inject({ method: 'GET', url: `/meta/whatsapp/v24.0/${t.phoneNumberId}/conversations?limit=1`, headers: { host, 'x-api-key': t.apiKey } });
      expect(res.statusCode).toBe(200);
    }
  });
});
