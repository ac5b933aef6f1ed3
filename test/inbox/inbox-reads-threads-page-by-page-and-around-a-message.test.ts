import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage, newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';

const T0 = 1767268800;
const CUSTOMER = '15550109999';

describe.each(dialects)('a conversation’s thread in the inbox (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let me: InboxSession;
  let conversationId = '';
  // Twelve messages, m0 oldest … m11 newest.
  const ids = Array.from({ length: 12 }, (_, i) => `wamid.thread-${i}-${Math.random().toString(36).slice(2)}`);

  const thread = async (query = '') => {
    const res = await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${conversationId}/messages${query}`, headers: me.headers() });
    expect(res.statusCode).toBe(200);
    return res.json() as { data: Array<{ id: string } & Record<string, unknown>>; paging: { next: string | null; previous: string | null } };
  };
  const idsOf = (page: { data: Array<{ id: string } & Record<string, unknown>> }) => page.data.map((m) => ids.indexOf(m.id as string));

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    me = await signedInMember(gw, t.projectId);
    await storeMessages(gw, t.phoneNumberId, ids.map((id, i) => ({ id, timestamp: T0 + i, waId: CUSTOMER, direction: i % 3 === 2 ? 'outbound' : 'inbound' })));
    const list = await gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: me.headers() });
    conversationId = list.json().data[0].id;
  });
  afterAll(() => gw.close());

  it('answers each message exactly as the Kapso history API does with kapso(all)', async () => {
    const page = await thread('?limit=1');
    const api = await getMessage(gw, t.apiKey, t.phoneNumberId, ids[11] as string, '?fields=kapso(all)');
    expect(page.data[0]).toEqual(api.json());
  });

  it('pages newest first, next towards older, previous back towards newer', async () => {
    const first = await thread('?limit=5');
    expect(idsOf(first)).toEqual([11, 10, 9, 8, 7]);
    expect(first.paging.previous).toBeNull();
    const second = await thread(`?limit=5&cursor=${encodeURIComponent(first.paging.next as string)}`);
    expect(idsOf(second)).toEqual([6, 5, 4, 3, 2]);
    const last = await thread(`?limit=5&cursor=${encodeURIComponent(second.paging.next as string)}`);
    expect(idsOf(last)).toEqual([1, 0]);
    expect(last.paging.next).toBeNull();
    const back = await thread(`?limit=5&cursor=${encodeURIComponent(last.paging.previous as string)}`);
    expect(idsOf(back)).toEqual([6, 5, 4, 3, 2]);
  });

  it('opens the thread around a message, with newer ones reachable through previous', async () => {
    const around = await thread(`?limit=4&around=${encodeURIComponent(ids[5] as string)}`);
    expect(idsOf(around)).toEqual([7, 6, 5, 4]);
    const newer = await thread(`?limit=4&cursor=${encodeURIComponent(around.paging.previous as string)}`);
    expect(idsOf(newer)).toEqual([11, 10, 9, 8]);
    const older = await thread(`?limit=4&cursor=${encodeURIComponent(around.paging.next as string)}`);
    expect(idsOf(older)).toEqual([3, 2, 1, 0]);
    const newest = await thread(`?limit=4&around=${encodeURIComponent(ids[11] as string)}`);
    expect(idsOf(newest)).toEqual([11, 10, 9, 8]);
    expect(newest.paging.previous).toBeNull();
  });

  it('refuses around a message of another conversation, and a cursor of another list', async () => {
    await storeMessages(gw, t.phoneNumberId, [{ id: 'wamid.elsewhere', timestamp: T0, waId: '15550100000' }]);
    const res = await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${conversationId}/messages?around=wamid.elsewhere`, headers: me.headers() });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, error_data: { details: expect.stringContaining('around') } });
    const bad = await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${conversationId}/messages?cursor=abc.def`, headers: me.headers() });
    expect(bad.statusCode).toBe(400);
  });
});
