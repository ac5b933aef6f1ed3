import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember, type TestMember } from '../helpers/inbox-session.ts';

const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const MISSING_NUMBER = '100000000000001';

type Method = 'GET' | 'POST' | 'PATCH';
/** Every inbox route that takes an id, with a body it would accept. */
const routes: Array<[Method, (ids: { conversation: string; contact: string; number: string }) => string, object | undefined]> = [
  ['GET', (x) => `/inbox/api/conversations/${x.conversation}`, undefined],
  ['PATCH', (x) => `/inbox/api/conversations/${x.conversation}`, { status: 'ended' }],
  ['POST', (x) => `/inbox/api/conversations/${x.conversation}/read`, undefined],
  ['GET', (x) => `/inbox/api/conversations/${x.conversation}/messages`, undefined],
  ['POST', (x) => `/inbox/api/conversations/${x.conversation}/messages`, { type: 'text', text: { body: 'hi' } }],
  ['GET', (x) => `/inbox/api/conversations/${x.conversation}/notes`, undefined],
  ['POST', (x) => `/inbox/api/conversations/${x.conversation}/notes`, { body: 'a note' }],
  ['GET', (x) => `/inbox/api/contacts/${x.contact}/conversations`, undefined],
  ['PATCH', (x) => `/inbox/api/contacts/${x.contact}`, { name: 'Renamed' }],
  ['GET', (x) => `/inbox/api/numbers/${x.number}/templates`, undefined],
];

describe.each(dialects)('the inbox keeps projects apart and refuses bad requests (%s)', (dialect) => {
  let gw: TestGateway;
  let mine: Awaited<ReturnType<typeof newTenant>>;
  let theirs: Awaited<ReturnType<typeof newTenant>>;
  let me: TestMember & InboxSession;
  const ids = { conversation: '', contact: '', number: '' };
  const foreign = { conversation: '', contact: '', number: '' };

  const call = (method: Method, url: string, payload: object | undefined, headers: Record<string, string>) =>
    gw.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const firstConversation = async (who: InboxSession) => (await gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: who.headers() })).json().data[0];

  beforeAll(async () => {
    gw = await startGateway(dialect);
    mine = await newTenant(gw);
    theirs = await newTenant(gw);
    me = await signedInMember(gw, mine.projectId);
    const them = await signedInMember(gw, theirs.projectId);
    await storeMessages(gw, mine.phoneNumberId, [{ id: 'wamid.mine', timestamp: 1767268800, waId: '15550001111' }]);
    await storeMessages(gw, theirs.phoneNumberId, [{ id: 'wamid.theirs', timestamp: 1767268800, waId: '15550002222' }]);
    const own = await firstConversation(me);
    const other = await firstConversation(them);
    Object.assign(ids, { conversation: own.id, contact: own.contact.id, number: mine.phoneNumberId });
    Object.assign(foreign, { conversation: other.id, contact: other.contact.id, number: theirs.phoneNumberId });
  });
  afterAll(() => gw.close());

  it.each(routes)('%s %s answers another project’s id exactly like an unknown one', async (method, url, payload) => {
    const missing = { conversation: MISSING_UUID, contact: MISSING_UUID, number: MISSING_NUMBER };
    const foreignRes = await call(method, url(foreign), payload, me.headers());
    const missingRes = await call(method, url(missing), payload, me.headers());
    const which = url(foreign).includes(foreign.number) ? 'number' : url(foreign).includes('/contacts/') ? 'contact' : 'conversation';
    expectIndistinguishable(foreignRes, missingRes, { foreign: foreign[which], missing: missing[which] });
  });

  it('answers another project’s number in an upload exactly like an unknown one', async () => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array([1, 2, 3])], { type: 'image/png' }), 'a.png');
    const request = new Request('http://x/', { method: 'POST', body: form });
    const payload = Buffer.from(await request.arrayBuffer());
    const headers = me.headers({ 'content-type': request.headers.get('content-type') ?? '' });
    const upload = (number: string) => gw.app.inject({ method: 'POST', url: `/inbox/api/numbers/${number}/media`, headers, payload });
    expectIndistinguishable(await upload(foreign.number), await upload(MISSING_NUMBER), { foreign: foreign.number, missing: MISSING_NUMBER });
  });

  it('leaves another project’s conversations unchanged by every attempt', async () => {
    for (const [method, url, payload] of routes) await call(method, url(foreign), payload, me.headers());
    const notes = await gw.deps.database.db.selectFrom('conversation_notes').select('id').where('conversation_id', '=', foreign.conversation).execute();
    expect(notes).toEqual([]);
    const row = await gw.deps.database.db.selectFrom('conversations').select('status').where('id', '=', foreign.conversation).executeTakeFirst();
    expect(row?.status).toBe('active');
  });

  it.each(routes.filter(([method]) => method !== 'GET'))('%s %s without the CSRF token answers 403 code 10 and changes nothing', async (method, url, payload) => {
    const res = await call(method, url(ids), payload, { cookie: me.cookie });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 10, fbtrace_id: expect.any(String) });
  });

  it.each(routes)('%s %s without a session answers 401 code 190', async (method, url, payload) => {
    const res = await call(method, url(ids), payload, {});
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190 });
  });

  it.each<[string, Method, (x: typeof ids) => string, object]>([
    ['a status it does not know', 'PATCH', (x) => `/inbox/api/conversations/${x.conversation}`, { status: 'closed' }],
    ['nothing to change', 'PATCH', (x) => `/inbox/api/conversations/${x.conversation}`, {}],
    ['an unknown key', 'PATCH', (x) => `/inbox/api/conversations/${x.conversation}`, { priority: 'high' }],
    ['an empty note', 'POST', (x) => `/inbox/api/conversations/${x.conversation}/notes`, { body: '' }],
    ['a blank note', 'POST', (x) => `/inbox/api/conversations/${x.conversation}/notes`, { body: '   ' }],
    ['a send to someone else', 'POST', (x) => `/inbox/api/conversations/${x.conversation}/messages`, { type: 'text', text: { body: 'hi' }, to: '15559999999' }],
    ['a send without its object', 'POST', (x) => `/inbox/api/conversations/${x.conversation}/messages`, { type: 'text' }],
    ['a send of no type', 'POST', (x) => `/inbox/api/conversations/${x.conversation}/messages`, { text: { body: 'hi' } }],
    ['an empty name', 'PATCH', (x) => `/inbox/api/contacts/${x.contact}`, { name: ' ' }],
  ])('refuses %s with 400 in Meta’s envelope', async (_case, method, url, payload) => {
    const res = await call(method, url(ids), payload, me.headers());
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: { message: expect.any(String), type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: expect.any(String) }, fbtrace_id: expect.any(String) },
    });
  });

  it.each(['limit=101', 'limit=0', 'status=open', 'assigned=them', 'cursor=forged.cursor'])('refuses the list query %s with 400', async (query) => {
    const res = await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations?${query}`, headers: me.headers() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(100);
  });

  it('refuses an Idempotency-Key over 100 characters before sending', async () => {
    const res = await call('POST', `/inbox/api/conversations/${ids.conversation}/messages`, { type: 'text', text: { body: 'hi' } }, me.headers({ 'idempotency-key': 'k'.repeat(101) }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.error_data.details).toContain('Idempotency-Key');
  });

  it('never lists another project’s conversations, in any filter', async () => {
    for (const query of ['', '?status=all&assigned=any', `?phone_number_id=${theirs.phoneNumberId}`]) {
      const data = (await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations${query}`, headers: me.headers() })).json().data;
      expect(data.map((c: { id: string }) => c.id)).not.toContain(foreign.conversation);
    }
  });
});
