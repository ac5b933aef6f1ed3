import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { getWithKey, storeMessages } from '../helpers/history.ts';
import { type InboxSession, signedInMember, type TestMember } from '../helpers/inbox-session.ts';

const T0 = 1767268800;

describe.each(dialects)('assigning, noting, ending and reopening in the inbox (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let ada: TestMember & InboxSession;
  let bo: TestMember & InboxSession;

  const patch = (id: string, payload: object, who: InboxSession = ada) => gw.app.inject({ method: 'PATCH', url: `/inbox/api/conversations/${id}`, headers: who.headers(), payload });
  // The events the inbox's changes wrote (storing the first message wrote Kapso's own before them).
  const eventsOf = (conversationId: string) =>
    gw.deps.database.db
      .selectFrom('events')
      .select(['type', 'data', 'project_id'])
      .where('conversation_id', '=', conversationId)
      .where((eb) => eb.or([eb('type', 'like', 'switchboard.inbox.%'), eb('type', '=', 'whatsapp.conversation.ended')]))
      .orderBy('seq')
      .execute();
  const newConversation = async () => {
    const waId = `1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    await storeMessages(gw, t.phoneNumberId, [{ id: `wamid.${Math.random().toString(36).slice(2)}`, timestamp: T0, waId, profileName: 'Maya' }]);
    const list = await gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: ada.headers() });
    return list.json().data.find((c: { contact: { wa_id: string } }) => c.contact.wa_id === waId) as { id: string; contact: { id: string; wa_id: string } };
  };

  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    ada = await signedInMember(gw, t.projectId);
    bo = await signedInMember(gw, t.projectId);
  });
  afterAll(() => gw.close());

  it('lists the project’s members and numbers, and no one else’s', async () => {
    const other = await newTenant(gw);
    await signedInMember(gw, other.projectId);
    const members = (await gw.app.inject({ method: 'GET', url: '/inbox/api/members', headers: ada.headers() })).json().data;
    expect(members).toHaveLength(2);
    expect(members).toEqual(expect.arrayContaining([{ id: ada.id, email: ada.email, role: 'agent' }, { id: bo.id, email: bo.email, role: 'agent' }]));
    const numbers = (await gw.app.inject({ method: 'GET', url: '/inbox/api/numbers', headers: ada.headers() })).json();
    expect(numbers).toEqual({ data: [{ id: t.phoneNumberId, display_phone_number: t.displayPhoneNumber, waba_id: t.wabaId, is_sandbox: false }] });
  });

  it('assigns to a member and back to no one, each change an inbox event', async () => {
    const c = await newConversation();
    const assigned = await patch(c.id, { assignee_id: bo.id });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ id: c.id, assignee: { id: bo.id, email: bo.email } });
    // The same assignee again changes nothing and fires nothing.
    expect((await patch(c.id, { assignee_id: bo.id })).statusCode).toBe(200);
    const unassigned = await patch(c.id, { assignee_id: null });
    expect(unassigned.json().assignee).toBeNull();
    const events = await eventsOf(c.id);
    expect(events.map((e) => e.type)).toEqual(['switchboard.inbox.conversation.assigned', 'switchboard.inbox.conversation.assigned']);
    expect(events[0]?.project_id).toBe(t.projectId);
  });

  it('refuses an assignee who is not a member of the project with 400, changing nothing', async () => {
    const c = await newConversation();
    const stranger = await signedInMember(gw, (await newTenant(gw)).projectId);
    for (const assignee_id of [stranger.id, '00000000-0000-4000-8000-000000000000']) {
      const res = await patch(c.id, { assignee_id, status: 'ended' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, error_data: { messaging_product: 'whatsapp', details: expect.stringContaining('assignee_id') }, fbtrace_id: expect.any(String) },
      });
    }
    expect((await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${c.id}`, headers: ada.headers() })).json()).toMatchObject({ status: 'active', assignee: null });
  });

  it('keeps notes oldest first, never sent, each an inbox event', async () => {
    const c = await newConversation();
    const post = (body: string, who: InboxSession) => gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${c.id}/notes`, headers: who.headers(), payload: { body } });
    const first = await post('Called them, waiting on a photo', ada);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ id: expect.any(String), conversation_id: c.id, body: 'Called them, waiting on a photo', author: { id: ada.id, email: ada.email }, created_at: new Date(gw.clock.now()).toISOString() });
    gw.clock.advance(1_000);
    await post('Photo received', bo);
    const notes = (await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${c.id}/notes`, headers: bo.headers() })).json().data;
    expect(notes.map((n: { body: string }) => n.body)).toEqual(['Called them, waiting on a photo', 'Photo received']);
    const events = await eventsOf(c.id);
    expect(events.map((e) => e.type)).toEqual(['switchboard.inbox.note.created', 'switchboard.inbox.note.created']);
    expect(JSON.parse(typeof events[0]?.data === 'string' ? events[0].data : JSON.stringify(events[0]?.data))).toEqual({ note_id: first.json().id });
    expect((await post('', ada)).statusCode).toBe(400);
    expect((await post('x'.repeat(4097), ada)).statusCode).toBe(400);
    expect((await post('x'.repeat(4096), ada)).statusCode).toBe(201);
  });

  it('ends and reopens through the Kapso API’s own status change', async () => {
    const c = await newConversation();
    const ended = await patch(c.id, { status: 'ended' });
    expect(ended.statusCode).toBe(200);
    expect(ended.json().status).toBe('ended');
    expect((await getWithKey(gw, t.apiKey, `/v24.0/conversations/${c.id}`)).json().status).toBe('ended');
    gw.clock.advance(60_000);
    const reopened = await patch(c.id, { status: 'active' });
    expect(reopened.json()).toMatchObject({ status: 'active', last_active_at: new Date(gw.clock.now()).toISOString() });
    expect((await eventsOf(c.id)).map((e) => e.type)).toEqual(['whatsapp.conversation.ended', 'switchboard.inbox.conversation.reopened']);
  });

  it('renames a contact as the Kapso contacts API sets its display name', async () => {
    const c = await newConversation();
    const res = await gw.app.inject({ method: 'PATCH', url: `/inbox/api/contacts/${c.contact.id}`, headers: ada.headers(), payload: { name: 'Maya Chen (VIP)' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: c.contact.id, name: 'Maya Chen (VIP)', profile_name: 'Maya', wa_id: c.contact.wa_id });
    const api = await getWithKey(gw, t.apiKey, `/v24.0/${t.phoneNumberId}/contacts/${c.contact.wa_id}`);
    expect(api.json().display_name).toBe('Maya Chen (VIP)');
    expect((await gw.app.inject({ method: 'GET', url: `/inbox/api/conversations/${c.id}`, headers: ada.headers() })).json().contact.name).toBe('Maya Chen (VIP)');
  });
});
