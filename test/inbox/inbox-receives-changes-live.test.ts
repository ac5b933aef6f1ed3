import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { appendEvent } from '../../src/events/append-event.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { waitFor } from '../helpers/wait-for.ts';
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

  it('shows notes, assignments, ending and reopening as they happen, each conversation as this member sees it', async () => {
    await customerWrites(t, 'w.team.1', 'Can someone help?', '14155550906');
    const conversationId = (await gw.app.inject({ method: 'GET', url: '/inbox/api/conversations?limit=100', headers: member.headers() })).json().data.find(
      (c: { last_message: { id: string } | null }) => c.last_message?.id === 'w.team.1',
    ).id as string;
    const colleague = await signedInMember(gw, t.projectId);
    const mine = await stream();
    const theirs = await stream(colleague);
    const write = (method: 'POST' | 'PATCH', url: string, payload: object) => gw.app.inject({ method, url, headers: member.headers(), payload });
    expect((await write('POST', `/inbox/api/conversations/${conversationId}/notes`, { body: 'VIP customer <3' })).statusCode).toBe(201);
    expect((await write('PATCH', `/inbox/api/conversations/${conversationId}`, { assignee_id: colleague.session.user.id })).statusCode).toBe(200);
    expect((await write('PATCH', `/inbox/api/conversations/${conversationId}`, { status: 'ended' })).statusCode).toBe(200);
    expect((await write('PATCH', `/inbox/api/conversations/${conversationId}`, { status: 'active' })).statusCode).toBe(200);
    // The changes after the note (a stream may also show the conversation's creation, a moment older than it).
    const changesOf = (s: SseConnection) => {
      const noteAt = s.events.findIndex((e) => e.event === 'note');
      return noteAt === -1 ? [] : s.events.slice(noteAt).filter((e) => e.event === 'conversation').map((e) => JSON.parse(e.data) as { conversation: { id: string; status: string; assignee: { id: string } | null } });
    };
    for (const s of [mine, theirs]) {
      await waitFor('the assignment, the end and the reopening', () => changesOf(s).length === 3);
      const note = s.dataOf<{ note: { conversation_id: string; body: string; author: { id: string } } }>('note').at(-1)?.note;
      expect(note).toMatchObject({ conversation_id: conversationId, body: 'VIP customer <3', author: { id: member.session.user.id } });
      // Each is rendered as the conversation is when the stream sends it: the last one shows where it ended up.
      expect(changesOf(s).at(-1)?.conversation).toMatchObject({ status: 'active', assignee: { id: colleague.session.user.id } });
      const ids = s.events.map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
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

describe.runIf(dialects.includes('postgres'))('the live stream and PostgreSQL commits out of seq order (postgres)', () => {
  let gw: TestGateway;
  let base: string;
  let t: Tenant;
  let member: InboxSession;
  let conversationId: string;
  beforeAll(async () => {
    gw = await startGateway('postgres');
    await gw.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`;
    t = await newTenant(gw);
    member = await signedInMember(gw, t.projectId);
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('w.gap.0', 'first', T0, '14155550910')], '14155550910'), t.appSecret);
    conversationId = (await gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: member.headers() })).json().data[0].id as string;
  });
  afterAll(() => gw.close());

  /** Appends an outbox row in a transaction left open until `finish` commits or rolls it back. */
  async function holdOpenEvent(): Promise<{ finish(outcome: 'commit' | 'rollback'): Promise<void> }> {
    let appended!: () => void;
    let decide!: (outcome: 'commit' | 'rollback') => void;
    const isAppended = new Promise<void>((resolve) => (appended = resolve));
    const decision = new Promise<'commit' | 'rollback'>((resolve) => (decide = resolve));
    const done = gw.deps.database.db
      .transaction()
      .execute(async (trx) => {
        await appendEvent(trx, { type: 'whatsapp.conversation.ended', phoneNumberId: t.phoneNumberId, conversationId }, gw.clock.now());
        appended();
        if ((await decision) === 'rollback') throw new Error('rolled back on purpose');
      })
      .catch(() => undefined);
    await isAppended;
    return {
      async finish(outcome) {
        decide(outcome);
        await done;
      },
    };
  }

  it('holds a later event back until an earlier seq commits, then sends both in seq order', async () => {
    const s = await openEventStream(`${base}/inbox/api/events`, { cookie: member.cookie });
    const held = await holdOpenEvent();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('w.gap.1', 'second', T0, '14155550911')], '14155550911'), t.appSecret);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.events.some(isMessage('w.gap.1'))).toBe(false);
    await held.finish('commit');
    const message = await s.waitForEvent('the later message', isMessage('w.gap.1'));
    const ended = s.events.find((e) => e.event === 'conversation' && e.data.includes(conversationId));
    expect(Number(ended?.id)).toBeLessThan(Number(message.id));
    expect(s.events.indexOf(ended as SseEvent)).toBeLessThan(s.events.indexOf(message));
    s.close();
  });

  it('gives up a seq whose transaction rolled back and goes on after the grace time', async () => {
    const s = await openEventStream(`${base}/inbox/api/events`, { cookie: member.cookie });
    const held = await holdOpenEvent();
    await postWebhook(gw, messagesWebhook(t.phoneNumberId, [textMessage('w.gap.2', 'third', T0, '14155550912')], '14155550912'), t.appSecret);
    await held.finish('rollback');
    await s.waitForEvent('the message after the rolled-back seq', isMessage('w.gap.2'), 8_000);
    expect(s.events.filter((e) => e.event === 'conversation' && e.data.includes(conversationId))).toEqual([]);
    s.close();
  });
});
