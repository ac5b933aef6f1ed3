import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removePhoneNumber } from '../../src/tenants/manage-numbers.ts';
import { removeMember } from '../../src/tenants/users.ts';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember, type TestMember } from '../helpers/inbox-session.ts';

const T0 = 1767268800;
const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
type Member = TestMember & InboxSession;

/** An error answer without its request id, to compare two refusals. */
const errorOf = (res: LightMyRequestResponse) => {
  const { fbtrace_id: _trace, ...rest } = res.json().error;
  return { status: res.statusCode, ...rest };
};

/**
 * Cursors are bound to the member, the list and the project that issued them, and ids of another
 * project or of a removed number name nothing: each is refused exactly as a forged cursor or an
 * unknown id is, so nothing is learned by carrying them across.
 */
describe.each(dialects)('the inbox refuses cursors and ids carried across projects and lists (%s)', (dialect) => {
  let gw: TestGateway;
  let me: Member;
  let colleague: Member;
  let them: Member;
  const mine = { conversation: '', number: '' };
  const theirs = { conversation: '', message: '' };

  const get = (who: InboxSession, url: string) => gw.app.inject({ method: 'GET', url, headers: who.headers() });
  const nextOf = async (who: InboxSession, url: string) => {
    const res = await get(who, url);
    expect(res.statusCode).toBe(200);
    const next = res.json().paging.next as string | null;
    expect(next).toEqual(expect.any(String));
    return encodeURIComponent(next as string);
  };
  /** Three customers writing about a refund, five messages from the first. */
  const seed = async (phoneNumberId: string, prefix: string) => {
    await storeMessages(gw, phoneNumberId, [
      ...[0, 1, 2, 3, 4].map((i) => ({ id: `${prefix}.a${i}`, timestamp: T0 + i, waId: '15550001001', body: `refund question ${i}` })),
      { id: `${prefix}.b`, timestamp: T0 + 10, waId: '15550001002', body: 'refund please' },
      { id: `${prefix}.c`, timestamp: T0 + 20, waId: '15550001003', body: 'refund now' },
    ]);
  };
  const conversationOfFirst = async (who: InboxSession) =>
    ((await get(who, '/inbox/api/conversations?limit=100')).json().data as Array<{ id: string; contact: { wa_id: string } }>).find((c) => c.contact.wa_id === '15550001001')?.id ?? '';

  beforeAll(async () => {
    gw = await startGateway(dialect);
    const a = await newTenant(gw);
    const b = await newTenant(gw);
    await seed(a.phoneNumberId, `${dialect}.mine`);
    await seed(b.phoneNumberId, `${dialect}.theirs`);
    me = await signedInMember(gw, a.projectId);
    colleague = await signedInMember(gw, a.projectId);
    them = await signedInMember(gw, b.projectId);
    Object.assign(mine, { conversation: await conversationOfFirst(me), number: a.phoneNumberId });
    Object.assign(theirs, { conversation: await conversationOfFirst(them), message: `${dialect}.theirs.a2` });
  });
  afterAll(() => gw.close());

  it('refuses a conversation-list cursor of another project or another member exactly like a forged one', async () => {
    const forged = errorOf(await get(me, '/inbox/api/conversations?limit=1&cursor=forged.cursor'));
    expect(forged).toMatchObject({ status: 400, code: 100 });
    for (const who of [them, colleague]) {
      const cursor = await nextOf(who, '/inbox/api/conversations?limit=1');
      expect(errorOf(await get(me, `/inbox/api/conversations?limit=1&cursor=${cursor}`))).toEqual(forged);
    }
  });

  it('refuses a thread cursor of another project’s conversation exactly like a forged one', async () => {
    const cursor = await nextOf(them, `/inbox/api/conversations/${theirs.conversation}/messages?limit=1`);
    const url = `/inbox/api/conversations/${mine.conversation}/messages?limit=1`;
    expect(errorOf(await get(me, `${url}&cursor=${cursor}`))).toEqual(errorOf(await get(me, `${url}&cursor=forged.cursor`)));
  });

  it('refuses a search cursor of another project exactly like a forged one', async () => {
    const cursor = await nextOf(them, '/inbox/api/search?q=refund&limit=1');
    expect(errorOf(await get(me, `/inbox/api/search?q=refund&limit=1&cursor=${cursor}`))).toEqual(errorOf(await get(me, '/inbox/api/search?q=refund&limit=1&cursor=forged.cursor')));
  });

  it('refuses each list’s cursor on the other lists', async () => {
    const cursors = {
      list: await nextOf(me, '/inbox/api/conversations?limit=1'),
      thread: await nextOf(me, `/inbox/api/conversations/${mine.conversation}/messages?limit=1`),
      search: await nextOf(me, '/inbox/api/search?q=refund&limit=1'),
    };
    const urls = {
      list: '/inbox/api/conversations?limit=1&cursor=',
      thread: `/inbox/api/conversations/${mine.conversation}/messages?limit=1&cursor=`,
      search: '/inbox/api/search?q=refund&limit=1&cursor=',
    };
    for (const [list, url] of Object.entries(urls)) {
      for (const [from, cursor] of Object.entries(cursors)) {
        const res = await get(me, `${url}${cursor}`);
        expect([list, from, res.statusCode]).toEqual([list, from, list === from ? 200 : 400]);
      }
    }
  });

  it('refuses around with another project’s message id exactly like an unknown one', async () => {
    const url = `/inbox/api/conversations/${mine.conversation}/messages?around=`;
    expect(errorOf(await get(me, `${url}${theirs.message}`))).toEqual(errorOf(await get(me, `${url}wamid.nothing`)));
  });

  it('refuses a removed member as assignee like an unknown one, changing nothing', async () => {
    const leaver = await signedInMember(gw, me.projectId);
    await removeMember(gw.deps, leaver.id);
    const patch = (assignee_id: string) =>
      gw.app.inject({ method: 'PATCH', url: `/inbox/api/conversations/${mine.conversation}`, headers: me.headers(), payload: { assignee_id } });
    const removed = await patch(leaver.id);
    expect(errorOf(removed)).toEqual(errorOf(await patch(MISSING_UUID)));
    expect((await get(me, `/inbox/api/conversations/${mine.conversation}`)).json().assignee).toBeNull();
    expect((await get(me, '/inbox/api/members')).json().data.map((m: { id: string }) => m.id)).not.toContain(leaver.id);
  });

  it('answers every route of a conversation on a removed number (history kept) like an unknown one', async () => {
    const gone = await newPhoneNumber(gw, me.projectId);
    await storeMessages(gw, gone.phoneNumberId, [{ id: `${dialect}.gone`, timestamp: T0, waId: '15550001009', body: 'where is my parcel' }]);
    const conversation = ((await get(me, '/inbox/api/conversations?limit=100')).json().data as Array<{ id: string; phone_number_id: string; contact: { id: string } }>).find(
      (c) => c.phone_number_id === gone.phoneNumberId,
    );
    expect(conversation).toBeDefined();
    expect((await get(me, '/inbox/api/search?q=parcel')).json().data).toHaveLength(1);
    expect(await removePhoneNumber(gw.deps, gone.phoneNumberId, 'kept')).toBe(true);
    const id = conversation?.id ?? '';
    const calls: Array<[string, (x: string) => string, object | undefined]> = [
      ['GET', (x) => `/inbox/api/conversations/${x}`, undefined],
      ['GET', (x) => `/inbox/api/conversations/${x}/messages`, undefined],
      ['GET', (x) => `/inbox/api/conversations/${x}/notes`, undefined],
      ['POST', (x) => `/inbox/api/conversations/${x}/notes`, { body: 'still here?' }],
      ['POST', (x) => `/inbox/api/conversations/${x}/read`, undefined],
      ['PATCH', (x) => `/inbox/api/conversations/${x}`, { status: 'ended' }],
      ['POST', (x) => `/inbox/api/conversations/${x}/messages`, { type: 'text', text: { body: 'hi' } }],
    ];
    for (const [method, url, payload] of calls) {
      const call = (x: string) => gw.app.inject({ method: method as 'GET', url: url(x), headers: me.headers(), ...(payload ? { payload } : {}) });
      expectIndistinguishable(await call(id), await call(MISSING_UUID), { foreign: id, missing: MISSING_UUID });
    }
    const contact = conversation?.contact.id ?? '';
    const contactCall = (x: string) => gw.app.inject({ method: 'GET', url: `/inbox/api/contacts/${x}/conversations`, headers: me.headers() });
    expectIndistinguishable(await contactCall(contact), await contactCall(MISSING_UUID), { foreign: contact, missing: MISSING_UUID });
    const numberCall = (x: string) => gw.app.inject({ method: 'GET', url: `/inbox/api/numbers/${x}/templates`, headers: me.headers() });
    expectIndistinguishable(await numberCall(gone.phoneNumberId), await numberCall('100000000000001'), { foreign: gone.phoneNumberId, missing: '100000000000001' });
    expect((await get(me, '/inbox/api/numbers')).json().data.map((n: { id: string }) => n.id)).not.toContain(gone.phoneNumberId);
    // Nor is it found by search: a hit would name a conversation that answers 404.
    expect((await get(me, '/inbox/api/search?q=parcel')).json().data).toEqual([]);
  });
});
