import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaByMetaId } from '../../src/media/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('rest-of-a-tiny-image')]);

/** A multipart body as a browser's FormData builds it, with any number of files. */
async function multipart(files: Array<{ part: string; name: string; type: string; bytes: Buffer }>) {
  const form = new FormData();
  for (const f of files) form.append(f.part, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

/**
 * A member's writes reach only what the conversation names: a send goes to its customer whatever
 * the body tries, the governor's refusal comes back as the API's, and notes and names are kept
 * exactly as typed and answered as JSON text (never markup the gateway interprets).
 */
describe.each(dialects)('inbox writes under hostile input (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Tenant;
  let me: InboxSession;
  let customer = 14155560000;

  const outboundAtMeta = () => env.sim.state.messages.filter((m) => m.direction === 'outbound' && m.phoneNumberId === t.phoneNumberId);
  /** A conversation of its own customer (each test has one, so the pair rate is per test). */
  const newConversation = async (tenant = t, who = me) => {
    const from = String(++customer);
    env.sim.injectInbound({ phone_number_id: tenant.phoneNumberId, from, profile_name: 'Maya', message: { type: 'text', text: { body: 'hello' } } });
    await env.sim.flush();
    const list = await env.gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: who.headers() });
    const conversation = list.json().data.find((c: { contact: { wa_id: string } }) => c.contact.wa_id === from);
    return { id: conversation.id as string, contactId: conversation.contact.id as string, waId: from };
  };
  const send = (conversationId: string, payload: unknown, headers: Record<string, string> = {}, who = me) =>
    env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${conversationId}/messages`, headers: who.headers(headers), payload: payload as object });

  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, { pairRateLimit: false }, { SEND_MAX_WAIT_MS: '0', SEND_PAIR_BURST: '2', SEND_PAIR_PER_MINUTE: '1' });
    t = await env.newTenant();
    me = await signedInMember(env.gw, t.projectId);
  });
  afterAll(() => env.close());

  it.each<[string, unknown]>([
    ['to', { type: 'text', text: { body: 'x' }, to: '15550009999' }],
    ['recipient', { type: 'text', text: { body: 'x' }, recipient: 'US.1' }],
    ['messaging_product', { type: 'text', text: { body: 'x' }, messaging_product: 'sms' }],
    ['recipient_type', { type: 'text', text: { body: 'x' }, recipient_type: 'group' }],
    ['biz_opaque_callback_data', { type: 'text', text: { body: 'x' }, biz_opaque_callback_data: 'y' }],
    ['a second type’s object', { type: 'text', text: { body: 'x' }, image: { link: 'https://evil.test/x.png' } }],
    ['an extra key in context', { type: 'text', text: { body: 'x' }, context: { message_id: 'wamid.x', to: '15550009999' } }],
    ['an object as the type', { type: { $ne: 'x' }, text: { body: 'x' } }],
    ['a list as the body', [{ type: 'text', text: { body: 'x' } }]],
    ['a text object that is a list', { type: 'text', text: [{ body: 'x' }] }],
    ['contacts as an object', { type: 'contacts', contacts: { name: { formatted_name: 'A' } } }],
    ['contacts as an empty list', { type: 'contacts', contacts: [] }],
  ])('refuses a send with %s with 400 before Meta sees it', async (_case, payload) => {
    const { id } = await newConversation();
    const before = outboundAtMeta().length;
    const res = await send(id, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) });
    expect(outboundAtMeta()).toHaveLength(before);
  });

  it('sends whatever else the objects hold to the conversation’s customer only', async () => {
    const { id, waId } = await newConversation();
    const before = outboundAtMeta().length;
    await send(id, { type: 'text', text: { body: 'x', to: '15550009999', recipient: 'US.1' } });
    await send(id, { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' }, to: '15550009999' } });
    for (const m of outboundAtMeta().slice(before)) expect(m.payload).toMatchObject({ messaging_product: 'whatsapp', to: waId });
  });

  it('sends a contacts message, whose contacts are a list of cards', async () => {
    const { id } = await newConversation();
    const card = { name: { formatted_name: 'Ada Lovelace', first_name: 'Ada' }, phones: [{ phone: '+14155550100', type: 'WORK' }] };
    const res = await send(id, { type: 'contacts', contacts: [card] });
    expect(res.statusCode).toBe(200);
    expect(res.json().message).toMatchObject({ type: 'contacts', contacts: [card] });
    expect(outboundAtMeta().at(-1)?.payload).toMatchObject({ type: 'contacts', contacts: [card] });
  });

  it('answers the governor’s 429 with Retry-After in Meta’s envelope, and frees the key for the retry', async () => {
    const { id } = await newConversation();
    const body = { type: 'text', text: { body: 'paced' } };
    expect((await send(id, body)).statusCode).toBe(200);
    expect((await send(id, body)).statusCode).toBe(200);
    const before = outboundAtMeta().length;
    const refused = await send(id, body, { 'idempotency-key': 'paced-1' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.json()).toEqual({
      error: { message: expect.stringContaining('131056'), type: 'OAuthException', code: 131056, error_data: expect.any(Object), fbtrace_id: expect.any(String) },
    });
    // Not kept under the key: the retry goes to the governor again (not a 409, not the old answer).
    const retried = await send(id, body, { 'idempotency-key': 'paced-1' });
    expect(retried.statusCode).toBe(429);
    expect(outboundAtMeta()).toHaveLength(before);
  });

  it('keeps an Idempotency-Key per member: another member’s same key sends their own message', async () => {
    const { id } = await newConversation();
    const other = await signedInMember(env.gw, t.projectId);
    const body = { type: 'text', text: { body: 'same words, same key' } };
    const before = outboundAtMeta().length;
    const mine = await send(id, body, { 'idempotency-key': 'shared-key' });
    const theirs = await send(id, body, { 'idempotency-key': 'shared-key' }, other);
    expect([mine.statusCode, theirs.statusCode]).toEqual([200, 200]);
    expect(theirs.json().message.id).not.toBe(mine.json().message.id);
    expect(outboundAtMeta()).toHaveLength(before + 2);
    // And each member's retry answers their own first answer.
    expect((await send(id, body, { 'idempotency-key': 'shared-key' })).json()).toEqual(mine.json());
  });

  it.each([
    ['a space', 'has space'],
    ['a control character', 'key\u0007'],
    ['101 characters', 'k'.repeat(101)],
    ['a letter outside ASCII', 'clé-1'],
  ])('refuses an Idempotency-Key with %s', async (_case, key) => {
    const { id } = await newConversation();
    const res = await send(id, { type: 'text', text: { body: 'x' } }, { 'idempotency-key': key });
    expect(res.statusCode).toBe(400);
  });

  it('never shows another project’s upload in a message sent with its media id', async () => {
    const theirs = await env.newTenant();
    const them = await signedInMember(env.gw, theirs.projectId);
    const { payload, contentType } = await multipart([{ part: 'file', name: 'secret.png', type: 'image/png', bytes: PNG }]);
    const upload = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${theirs.phoneNumberId}/media`, headers: them.headers({ 'content-type': contentType }), payload });
    expect(upload.statusCode).toBe(200);
    const mediaId = upload.json().id as string;
    const { id } = await newConversation();
    const res = await send(id, { type: 'image', image: { id: mediaId } });
    // Whatever Meta says of another number's media id, our copy of their file is not ours.
    expect(await findMediaByMetaId(env.gw.deps.database.db, t.phoneNumberId, mediaId)).toBeUndefined();
    if (res.statusCode === 200) expect(res.json().message.kapso.media_url ?? null).toBeNull();
  });

  it('keeps an upload’s file name as data only, and refuses a second file', async () => {
    const name = '../../../../etc/passwd.png';
    const one = await multipart([{ part: 'file', name, type: 'image/png', bytes: PNG }]);
    const res = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${t.phoneNumberId}/media`, headers: me.headers({ 'content-type': one.contentType }), payload: one.payload });
    expect(res.statusCode).toBe(200);
    const row = await findMediaByMetaId(env.gw.deps.database.db, t.phoneNumberId, res.json().id);
    expect(row?.storage_key).not.toContain('..');
    expect(row?.storage_key).not.toContain('passwd');
    const two = await multipart([
      { part: 'file', name: 'a.png', type: 'image/png', bytes: PNG },
      { part: 'file', name: 'b.png', type: 'image/png', bytes: PNG },
    ]);
    const before = env.sim.state.media.size;
    const refused = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${t.phoneNumberId}/media`, headers: me.headers({ 'content-type': two.contentType }), payload: two.payload });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect(refused.statusCode).toBeLessThan(500);
    expect(env.sim.state.media.size).toBe(before);
  });

  it('keeps a note’s markup, control characters and full 4,096 characters verbatim, as JSON text', async () => {
    const { id } = await newConversation();
    const hostile = '<img src=x onerror=alert(1)>\u0000\u0001\u001b[31m\r\n\u202e&amp;"\'';
    const body = hostile + 'n'.repeat(4096 - hostile.length);
    const res = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${id}/notes`, headers: me.headers(), payload: { body } });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().body).toBe(body);
    const listed = await env.gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${id}/notes`, headers: me.headers() });
    expect(listed.headers['content-type']).toMatch(/^application\/json/);
    expect(listed.json().data.at(-1).body).toBe(body);
    const tooLong = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${id}/notes`, headers: me.headers(), payload: { body: `${body}n` } });
    expect(tooLong.statusCode).toBe(400);
    const huge = await env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${id}/notes`, headers: me.headers(), payload: { body: 'n'.repeat(2 * 1024 * 1024) } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error).toMatchObject({ code: 100, fbtrace_id: expect.any(String) });
    expect((await env.gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${id}/notes`, headers: me.headers() })).json().data).toHaveLength(1);
  });

  it('keeps a contact’s new name with its markup verbatim, up to 256 characters', async () => {
    const { contactId } = await newConversation();
    const name = `<b>Ada</b> "&" ${'a'.repeat(256)}`.slice(0, 256);
    expect(name).toHaveLength(256);
    const res = await env.gw.app.inject({ method: 'PATCH', url: `/inbox/api/contacts/${contactId}`, headers: me.headers(), payload: { name } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name, display_name: name });
    const tooLong = await env.gw.app.inject({ method: 'PATCH', url: `/inbox/api/contacts/${contactId}`, headers: me.headers(), payload: { name: `${name}x` } });
    expect(tooLong.statusCode).toBe(400);
  });
});
