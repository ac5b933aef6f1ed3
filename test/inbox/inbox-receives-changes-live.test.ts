import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { openEventStream, type SseConnection, type SseEvent } from '../helpers/sse-client.ts';
import { messagesWebhook, statusesWebhook, statusItem, textMessage } from '../helpers/webhooks.ts';

const T0 = 1767268800;
type Tenant = Awaited<ReturnType<typeof newTenant>>;
interface MessageData {
  conversation_id: string;
  message: { id: string; type: string; text?: { body: string }; kapso: { direction: string; status: string } };
}
interface StatusData {
  conversation_id: string;
  message_id: string;
  status: string;
  errors: Array<{ code: number }>;
}

const messageIdOf = (e: SseEvent) => (e.event === 'message' ? (JSON.parse(e.data) as MessageData).message.id : null);
const isMessage = (id: string) => (e: SseEvent) => messageIdOf(e) === id;

describe.each(dialects)('GET /inbox/api/events streams the project’s changes live (%s)', (dialect) => {
  let gw: TestGateway;
  let base: string;
  let t: Tenant;
  let member: InboxSession;
  const open: SseConnection[] = [];
  const stream = async (who: InboxSession = member, headers: Record<string, string> = {}) => {
    const s = await openEventStream(`${base}/inbox/api/events`, { cookie: who.cookie, ...headers });
    open.push(s);
    return s;
  };
  const customerWrites = async (tenant: Tenant, id: string, body = `hello ${id}`, waId = '14155550123') => {
    const res = await postWebhook(gw, messagesWebhook(tenant.phoneNumberId, [textMessage(id, body, T0, waId)], waId), tenant.appSecret);
    expect(res.statusCode).toBe(200);
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
    t = await newTenant(gw);
    member = await signedInMember(gw, t.projectId);
  });
  afterAll(async () => {
    for (const s of open) s.close();
    await gw.close();
  });

  it('answers an event stream that is never cached or buffered', async () => {
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(s.headers.get('cache-control')).toBe('no-cache');
    expect(s.headers.get('x-accel-buffering')).toBe('no');
    expect(s.headers.get('x-request-id')).toEqual(expect.any(String));
    s.close();
  });

  it('delivers a customer message posted to the webhook, after the conversation it opened', async () => {
    const s = await stream();
    const waId = '14155550901';
    await customerWrites(t, 'w.live.1', 'Is my order ready?', waId);
    const event = await s.waitForEvent('the message event', isMessage('w.live.1'));
    const data = JSON.parse(event.data) as MessageData;
    expect(data.message).toMatchObject({ id: 'w.live.1', type: 'text', text: { body: 'Is my order ready?' }, kapso: { direction: 'inbound', status: 'received' } });
    const opened = s.dataOf<{ conversation: { id: string; status: string } }>('conversation').find((c) => c.conversation.id === data.conversation_id);
    expect(opened?.conversation).toMatchObject({ id: data.conversation_id, status: 'active' });
    const conversationEvent = s.events.find((e) => e.event === 'conversation');
    expect(Number(conversationEvent?.id)).toBeLessThan(Number(event.id));
  });

  it('delivers an outbound message with its statuses as they advance, a failure with Meta’s reason', async () => {
    const s = await stream();
    await storeMessages(gw, t.phoneNumberId, [{ id: 'w.out.1', timestamp: T0, direction: 'outbound', status: 'pending', waId: '14155550902', body: 'Your order shipped' }]);
    await postWebhook(gw, statusesWebhook(t.phoneNumberId, [statusItem('w.out.1', 'sent', T0 + 1)]), t.appSecret);
    await postWebhook(gw, statusesWebhook(t.phoneNumberId, [statusItem('w.out.1', 'delivered', T0 + 2)]), t.appSecret);
    await s.waitForEvent('the delivered status', (e) => e.event === 'status' && e.data.includes('"delivered"'));
    const statuses = s.dataOf<StatusData>('status').filter((d) => d.message_id === 'w.out.1');
    expect(statuses.map((d) => [d.status, d.errors])).toEqual([
      ['sent', []],
      ['delivered', []],
    ]);
    // The outbox says nothing of an outbound message when it is stored: its `sent` shows it.
    expect(s.dataOf<MessageData>('message').find((d) => d.message.id === 'w.out.1')?.message.kapso.direction).toBe('outbound');

    await storeMessages(gw, t.phoneNumberId, [{ id: 'w.out.2', timestamp: T0, direction: 'outbound', status: 'pending', waId: '14155550902' }]);
    await postWebhook(gw, statusesWebhook(t.phoneNumberId, [statusItem('w.out.2', 'failed', T0 + 3, [{ code: 131026, title: 'Message undeliverable' }])]), t.appSecret);
    const failed = await s.waitForEvent('the failed status', (e) => e.event === 'status' && e.data.includes('w.out.2'));
    expect(JSON.parse(failed.data)).toEqual({ conversation_id: statuses[0]?.conversation_id, message_id: 'w.out.2', status: 'failed', errors: [{ code: 131026, title: 'Message undeliverable' }] });
  });

  it('resumes after Last-Event-ID with exactly the events missed, then live', async () => {
    const waId = '14155550903';
    const first = await stream();
    await customerWrites(t, 'w.resume.1', 'one', waId);
    const seen = await first.waitForEvent('the first message', isMessage('w.resume.1'));
    first.close();
    await customerWrites(t, 'w.resume.2', 'two', waId);
    await customerWrites(t, 'w.resume.3', 'three', waId);

    const again = await stream(member, { 'last-event-id': seen.id ?? '' });
    await again.waitForEvent('the missed messages', isMessage('w.resume.3'));
    await customerWrites(t, 'w.resume.4', 'four', waId);
    await again.waitForEvent('the live message', isMessage('w.resume.4'));
    expect(again.events.map(messageIdOf).filter((id) => id?.startsWith('w.resume'))).toEqual(['w.resume.2', 'w.resume.3', 'w.resume.4']);
    const ids = again.events.map((e) => Number(e.id));
    expect(ids.every((id) => id > Number(seen.id))).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(again.events.map((e) => `${e.id} ${e.event}`)).size).toBe(again.events.length);
  });

  it.each(['not-a-number', '999999999999'])('tells a stream resuming from an id it never sent (%s) to reset', async (lastEventId) => {
    const s = await stream(member, { 'last-event-id': lastEventId });
    const reset = await s.waitForEvent('the reset', (e) => e.event === 'reset');
    expect(reset.id).toMatch(/^\d+$/);
    await customerWrites(t, `w.after-reset.${lastEventId}`, 'still live', '14155550904');
    await s.waitForEvent('a live message after the reset', isMessage(`w.after-reset.${lastEventId}`));
  });

  it("never delivers another project's events", async () => {
    const other = await newTenant(gw);
    const stranger = await signedInMember(gw, other.projectId);
    const mine = await stream();
    const theirs = await stream(stranger);
    await customerWrites(other, 'w.foreign', 'for the other project');
    await customerWrites(t, 'w.mine', 'for this project', '14155550905');
    await mine.waitForEvent('this project’s message', isMessage('w.mine'));
    await theirs.waitForEvent('the other project’s message', isMessage('w.foreign'));
    expect(mine.events.some((e) => e.data.includes('w.foreign') || e.data.includes(other.phoneNumberId))).toBe(false);
    expect(theirs.events.some((e) => e.data.includes('w.mine') || e.data.includes(t.phoneNumberId))).toBe(false);
  });

  it('answers 401 without a session', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/inbox/api/events' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190, type: 'OAuthException' });
  });

  it('answers 429 to an eleventh stream of one member', async () => {
    const busy = await signedInMember(gw, t.projectId);
    const streams = await Promise.all(Array.from({ length: 10 }, () => stream(busy)));
    expect(streams.map((s) => s.status)).toEqual(Array(10).fill(200));
    const res = await fetch(`${base}/inbox/api/events`, { headers: { cookie: busy.cookie } });
    expect(res.status).toBe(429);
    expect((await res.json()).error).toMatchObject({ code: 4, type: 'OAuthException' });
    for (const s of streams) s.close();
    // A closed stream frees its place.
    await expect.poll(async () => (await stream(busy)).status, { timeout: 5_000 }).toBe(200);
  });

  it('ends the stream once its session is signed out', async () => {
    const leaving = await signedInMember(gw, t.projectId);
    const s = await stream(leaving);
    const signOut = await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: leaving.headers() });
    expect(signOut.statusCode).toBe(204);
    await Promise.race([s.ended, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream stayed open')), 9_000))]);
  }, 15_000);
});

describe.each(dialects)('closing the app ends its live streams (%s)', (dialect) => {
  it('closes promptly with a stream open, ending it', async () => {
    const gw = await startGateway(dialect);
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const t = await newTenant(gw);
    const member = await signedInMember(gw, t.projectId);
    const s = await openEventStream(`http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}/inbox/api/events`, { cookie: member.cookie });
    expect(s.status).toBe(200);
    const started = Date.now();
    await gw.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    await s.ended;
  });
});
