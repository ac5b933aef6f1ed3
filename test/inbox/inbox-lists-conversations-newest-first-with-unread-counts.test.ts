import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import type { InboxConversation } from '../../src/inbox/present-conversation.ts';
import { type InboxSession, signedInMember, type TestMember } from '../helpers/inbox-session.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z, epoch seconds

describe.each(dialects)('the inbox’s conversation list (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let ada: TestMember & InboxSession;
  let bo: TestMember & InboxSession;
  let seq = 0;
  const customer = () => `1555${String(1_000_000 + ++seq)}`;
  const wamid = () => `wamid.${Math.random().toString(36).slice(2)}`;

  const get = (who: InboxSession, url: string) => gw.app.inject({ method: 'GET', url, headers: who.headers() });
  const post = (who: InboxSession, url: string, payload?: object) => gw.app.inject({ method: 'POST', url, headers: who.headers(), ...(payload ? { payload } : {}) });
  const list = async (who: InboxSession, query = '') => {
    const res = await get(who, `/inbox/api/conversations${query}`);
    expect(res.statusCode).toBe(200);
    return res.json() as { data: InboxConversation[]; paging: { next: string | null } };
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    ada = await signedInMember(gw, t.projectId);
    bo = await signedInMember(gw, t.projectId);
  });
  afterAll(() => gw.close());

  it('lists the newest activity first, each with its contact, last message, unread count and window', async () => {
    const [first, second, third] = [customer(), customer(), customer()];
    await storeMessages(gw, t.phoneNumberId, [
      { id: wamid(), timestamp: T0, waId: first, profileName: 'Ada Customer' },
      { id: wamid(), timestamp: T0 + 10, waId: second, profileName: 'Bo Customer' },
      { id: wamid(), timestamp: T0 + 11, waId: second, body: 'second one' },
      { id: wamid(), timestamp: T0 + 20, waId: third, direction: 'outbound', body: 'we wrote first' },
    ]);
    const page = await list(ada);
    const mine = page.data.filter((c) => [first, second, third].includes(c.contact.wa_id ?? ''));
    expect(mine.map((c) => c.contact.wa_id)).toEqual([third, second, first]);
    const [byThird, bySecond] = mine;
    expect(bySecond).toMatchObject({
      phone_number_id: t.phoneNumberId,
      status: 'active',
      last_active_at: new Date((T0 + 11) * 1000).toISOString(),
      contact: { name: 'Bo Customer', wa_id: second, business_scoped_user_id: null, username: null },
      last_message: { type: 'text', text: 'second one', direction: 'inbound', timestamp: new Date((T0 + 11) * 1000).toISOString(), status: 'received' },
      unread_count: 2,
      assignee: null,
      window_open_until: new Date((T0 + 11) * 1000 + 86_400_000).toISOString(),
    });
    expect(byThird).toMatchObject({ unread_count: 0, window_open_until: null, last_message: { direction: 'outbound', text: 'we wrote first' } });
    // The single conversation reads exactly as its list item.
    expect((await get(ada, `/inbox/api/conversations/${bySecond?.id}`)).json()).toEqual(bySecond);
  });

  it('counts unread messages per member, after their own read marker', async () => {
    const who = customer();
    await storeMessages(gw, t.phoneNumberId, [
      { id: wamid(), timestamp: T0 + 100, waId: who },
      { id: wamid(), timestamp: T0 + 101, waId: who },
    ]);
    const id = (await list(ada)).data.find((c) => c.contact.wa_id === who)?.id as string;
    expect((await post(ada, `/inbox/api/conversations/${id}/read`)).statusCode).toBe(204);
    const unread = async (member: InboxSession) => (await get(member, `/inbox/api/conversations/${id}`)).json().unread_count;
    expect(await unread(ada)).toBe(0);
    expect(await unread(bo)).toBe(2);
    // A reply of ours is never unread; the customer's next message is.
    await storeMessages(gw, t.phoneNumberId, [
      { id: wamid(), timestamp: T0 + 102, waId: who, direction: 'outbound' },
      { id: wamid(), timestamp: T0 + 103, waId: who },
    ]);
    expect(await unread(ada)).toBe(1);
    expect(await unread(bo)).toBe(3);
  });

  it('pages through any number of conversations with an opaque cursor bound to its filters', async () => {
    const other = await newTenant(gw);
    const member = await signedInMember(gw, other.projectId);
    await storeMessages(gw, other.phoneNumberId, Array.from({ length: 5 }, (_, i) => ({ id: wamid(), timestamp: T0 + i, waId: customer() })));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(member, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.paging.next;
    } while (cursor !== null);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const firstPage = await list(member, '?limit=2');
    const elsewhere = await get(member, `/inbox/api/conversations?limit=2&status=active&cursor=${encodeURIComponent(firstPage.paging.next as string)}`);
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('cursor') } });
  });

  it('filters by status, assignment and phone number', async () => {
    const project = await newTenant(gw);
    const second = await newPhoneNumber(gw, project.projectId);
    const me = await signedInMember(gw, project.projectId);
    const [a, b, c] = [customer(), customer(), customer()];
    await storeMessages(gw, project.phoneNumberId, [
      { id: wamid(), timestamp: T0, waId: a },
      { id: wamid(), timestamp: T0 + 1, waId: b },
    ]);
    await storeMessages(gw, second.phoneNumberId, [{ id: wamid(), timestamp: T0 + 2, waId: c }]);
    const all = await list(me);
    const idOf = (waId: string) => all.data.find((x) => x.contact.wa_id === waId)?.id as string;
    const patch = (id: string, payload: object) => gw.app.inject({ method: 'PATCH', url: `/inbox/api/conversations/${id}`, headers: me.headers(), payload });
    expect((await patch(idOf(a), { status: 'ended' })).statusCode).toBe(200);
    expect((await patch(idOf(b), { assignee_id: me.id })).statusCode).toBe(200);
    const waIds = async (query: string) => (await list(me, query)).data.map((x) => x.contact.wa_id);
    expect(await waIds('')).toEqual([c, b, a]);
    expect(await waIds('?status=active')).toEqual([c, b]);
    expect(await waIds('?status=ended')).toEqual([a]);
    expect(await waIds('?assigned=me')).toEqual([b]);
    expect(await waIds('?assigned=unassigned')).toEqual([c, a]);
    expect(await waIds(`?phone_number_id=${second.phoneNumberId}`)).toEqual([c]);
    expect(await waIds(`?phone_number_id=${t.phoneNumberId}`)).toEqual([]);
    expect(await waIds(`?status=active&assigned=unassigned&phone_number_id=${project.phoneNumberId}`)).toEqual([]);
  });

  it('lists a contact’s conversations, newest first', async () => {
    const who = customer();
    await storeMessages(gw, t.phoneNumberId, [{ id: wamid(), timestamp: T0 + 500, waId: who }]);
    const first = (await list(ada)).data.find((c) => c.contact.wa_id === who) as InboxConversation;
    await gw.app.inject({ method: 'PATCH', url: `/inbox/api/conversations/${first.id}`, headers: ada.headers(), payload: { status: 'ended' } });
    await storeMessages(gw, t.phoneNumberId, [{ id: wamid(), timestamp: T0 + 600, waId: who }]);
    const res = await get(ada, `/inbox/api/contacts/${first.contact.id}/conversations`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data.map((c: { status: string }) => c.status)).toEqual(['active', 'ended']);
    expect(res.json().data[1].id).toBe(first.id);
  });
});
