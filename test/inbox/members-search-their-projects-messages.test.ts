import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject, newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { expectInvalidParameter, storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
interface SearchPage {
  data: Array<{ message_id: string; conversation_id: string; phone_number_id: string; contact_name: string | null; direction: string; timestamp: string; snippet: string }>;
  paging: { next: string | null };
}

describe.each(dialects)('GET /inbox/api/search (%s)', (dialect) => {
  let gw: TestGateway;
  let projectId: string;
  let numbers: [string, string];
  let member: InboxSession;
  const search = (query: string, who: InboxSession | null = member) =>
    gw.app.inject({ method: 'GET', url: `/inbox/api/search?${query}`, headers: who ? { cookie: who.cookie } : {} });
  const hitsOf = async (query: string, who: InboxSession = member) => {
    const res = await search(query, who);
    expect(res.statusCode).toBe(200);
    return res.json() as SearchPage;
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    ({ projectId } = await newProject(gw));
    const first = await newPhoneNumber(gw, projectId);
    const second = await newPhoneNumber(gw, projectId);
    numbers = [first.phoneNumberId, second.phoneNumberId];
    const hook = messagesWebhook(first.phoneNumberId, [textMessage('w.refund', 'Where is my refund? <b>urgent</b>', T0)], '14155550001', 'Ada Lovelace');
    expect((await postWebhook(gw, hook, first.appSecret)).statusCode).toBe(200);
    await storeMessages(gw, second.phoneNumberId, [
      { id: 'w.reply', timestamp: T0 + 60, waId: '14155550002', profileName: 'Grace', body: 'Refunds take three days' },
      { id: 'w.sent', timestamp: T0 + 120, waId: '14155550002', direction: 'outbound', body: 'Your refund was sent' },
    ]);
    member = await signedInMember(gw, projectId);
  });
  afterAll(() => gw.close());

  it("finds the words across every number of the member's project, newest first, as SearchHits", async () => {
    const page = await hitsOf('q=refund');
    expect(page.data.map((h) => h.message_id)).toEqual(['w.sent', 'w.reply', 'w.refund']);
    const [sent, reply, refund] = page.data;
    expect(refund).toEqual({
      message_id: 'w.refund',
      conversation_id: expect.any(String),
      phone_number_id: numbers[0],
      contact_name: 'Ada Lovelace',
      direction: 'inbound',
      timestamp: '2026-01-01T12:00:00.000Z',
      snippet: 'Where is my <mark>refund</mark>? &lt;b&gt;urgent&lt;/b&gt;',
    });
    expect(reply).toMatchObject({ phone_number_id: numbers[1], contact_name: 'Grace', direction: 'inbound', snippet: '<mark>Refunds</mark> take three days' });
    // An outbound message is named after the customer it went to.
    expect(sent).toMatchObject({ contact_name: 'Grace', direction: 'outbound', timestamp: '2026-01-01T12:02:00.000Z' });
    expect(sent?.conversation_id).toBe(reply?.conversation_id);
    expect(page.paging).toEqual({ next: null });
  });

  it('pages with an opaque cursor, every hit once', async () => {
    const first = await hitsOf('q=refund&limit=2');
    expect(first.data.map((h) => h.message_id)).toEqual(['w.sent', 'w.reply']);
    expect(first.paging.next).toEqual(expect.any(String));
    const second = await hitsOf(`q=refund&limit=2&cursor=${encodeURIComponent(first.paging.next ?? '')}`);
    expect(second.data.map((h) => h.message_id)).toEqual(['w.refund']);
    expect(second.paging.next).toBeNull();
  });

  it("never finds another project's messages, nor pages with its cursor", async () => {
    const other = await newTenant(gw);
    await storeMessages(gw, other.phoneNumberId, [{ id: 'w.foreign', timestamp: T0, body: 'refund for someone else' }, { id: 'w.foreign2', timestamp: T0 + 1, body: 'another refund' }]);
    const stranger = await signedInMember(gw, other.projectId);
    expect((await hitsOf('q=refund', stranger)).data.map((h) => h.message_id)).toEqual(['w.foreign2', 'w.foreign']);
    expect((await hitsOf('q=someone')).data).toEqual([]);
    const theirs = await hitsOf('q=refund&limit=1', stranger);
    expectInvalidParameter(await search(`q=refund&cursor=${encodeURIComponent(theirs.paging.next ?? '')}`), 'cursor');
  });

  it('answers 401 without a session', async () => {
    const res = await search('q=refund', null);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190, type: 'OAuthException' });
  });

  it.each<[string, string, string]>([
    ['no q', '', 'q'],
    ['a q of 1,000 characters', `q=${'a'.repeat(1000)}`, 'q'],
    ['a forged cursor', 'q=refund&cursor=abc.def', 'cursor'],
    ['limit=101', 'q=refund&limit=101', 'limit'],
  ])('refuses %s with 400 naming it', async (_label, query, parameter) => {
    expectInvalidParameter(await search(query), parameter);
  });

  it.each(['"', 'NEAR(refund', 'refund OR', '*', "'); drop table messages; --"])('answers the hostile query %j without error', async (q) => {
    expect((await search(`q=${encodeURIComponent(q)}`)).statusCode).toBe(200);
  });
});
