import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { startResettingServer } from '../helpers/fault-servers.ts';
import { getMessage, newPhoneNumber, newProject } from '../helpers/factories.ts';
import { storeMessages } from '../helpers/history.ts';
import type { InboxConversation } from '../../src/inbox/present-conversation.ts';
import { type InboxSession, signedInMember } from '../helpers/inbox-session.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';
const BSUID_ONLY = 'US.13491208655302741918';

describe.each(dialects)('sending from the inbox (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let me: InboxSession;
  let conversationId = '';

  const outboundAtMeta = () => env.sim.state.messages.filter((m) => m.direction === 'outbound' && m.phoneNumberId === t.phoneNumberId);
  const send = (payload: object, headers: Record<string, string> = {}, id = conversationId) =>
    env.gw.app.inject({ method: 'POST', url: `/inbox/api/conversations/${id}/messages`, headers: me.headers(headers), payload });
  const conversationOf = async (match: (c: InboxConversation) => boolean) => {
    const list = await env.gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: me.headers() });
    return list.json().data.find(match) as InboxConversation;
  };

  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    me = await signedInMember(env.gw, t.projectId);
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hello' } } });
    await env.sim.flush();
    conversationId = (await conversationOf((c) => c.contact.wa_id === CUSTOMER)).id;
  });
  afterAll(() => env.close());

  it('sends through Meta to the conversation’s customer and answers the stored message', async () => {
    const before = outboundAtMeta().length;
    const res = await send({ type: 'text', text: { body: 'On its way' } });
    expect(res.statusCode).toBe(200);
    const { message } = res.json();
    expect(message).toMatchObject({ type: 'text', to: CUSTOMER, text: { body: 'On its way' }, kapso: { direction: 'outbound', phone_number: CUSTOMER, whatsapp_conversation_id: conversationId } });
    expect(outboundAtMeta()).toHaveLength(before + 1);
    expect(outboundAtMeta().at(-1)?.payload).toMatchObject({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text' });
    // In history like any API send, with the events webhooks are made of.
    const api = await getMessage(env.gw, t.apiKey, t.phoneNumberId, message.id, '?fields=kapso(direction)');
    expect(api.json()).toMatchObject({ id: message.id, kapso: { direction: 'outbound' } });
    await env.sim.flush();
    const events = await env.gw.deps.database.db.selectFrom('events').select('type').where('message_id', '=', message.id).execute();
    expect(events.map((e) => e.type)).toContain('whatsapp.message.sent');
  });

  it('reaches Meta exactly once however often the same Idempotency-Key is retried', async () => {
    const before = outboundAtMeta().length;
    const body = { type: 'text', text: { body: 'exactly once' } };
    const key = { 'idempotency-key': `typed-${Math.random()}` };
    const racing = await Promise.all([send(body, key), send(body, key)]);
    const statuses = racing.map((r) => r.statusCode).sort();
    // The second arrives while the first is with Meta (409 code 2), or after it (its answer again).
    if (statuses[1] === 409) expect(racing.find((r) => r.statusCode === 409)?.json().error).toMatchObject({ code: 2, message: 'already being sent' });
    else expect(racing[0]?.body).toBe(racing[1]?.body);
    expect(statuses[0]).toBe(200);
    const first = racing.find((r) => r.statusCode === 200)?.json();
    const retried = await send(body, key);
    expect(retried.statusCode).toBe(200);
    expect(retried.json()).toEqual(first);
    expect(outboundAtMeta()).toHaveLength(before + 1);
    // The key is the member's: another message under it is refused, not answered with the first.
    const reused = await send({ type: 'text', text: { body: 'something else' } }, key);
    expect(reused.statusCode).toBe(409);
    expect(outboundAtMeta()).toHaveLength(before + 1);
  });

  it('sends a reply, a reaction and a template', async () => {
    const inbound = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'which one?' } } });
    await env.sim.flush();
    const reply = await send({ type: 'text', text: { body: 'this one' }, context: { message_id: inbound.id } });
    expect(reply.statusCode).toBe(200);
    expect(reply.json().message.context).toEqual({ id: inbound.id });
    const reaction = await send({ type: 'reaction', reaction: { message_id: inbound.id, emoji: '👍' } });
    expect(reaction.statusCode).toBe(200);
    expect(reaction.json().message).toMatchObject({ type: 'reaction', reaction: { message_id: inbound.id, emoji: '👍' } });
  });

  it('answers Meta’s refusal in Meta’s envelope with Meta’s status, and stores nothing', async () => {
    const res = await send({ type: 'image', image: { id: '999999999999' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json().error).toMatchObject({ code: expect.any(Number), fbtrace_id: expect.any(String) });
  });

  it('addresses a customer known only by BSUID in recipient', async () => {
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: '14155550999', user_id: BSUID_ONLY, username: 'maya', hide_phone: true, message: { type: 'text', text: { body: 'hi' } } });
    await env.sim.flush();
    const conversation = await conversationOf((c) => c.contact.business_scoped_user_id === BSUID_ONLY);
    expect(conversation.contact.wa_id).toBeNull();
    const res = await send({ type: 'text', text: { body: 'hello by username' } }, {}, conversation.id);
    expect(res.statusCode).toBe(200);
    expect(outboundAtMeta().at(-1)?.payload).toMatchObject({ recipient: BSUID_ONLY });
    expect(outboundAtMeta().at(-1)?.payload).not.toHaveProperty('to');
    expect(res.json().message.kapso.whatsapp_conversation_id).toBe(conversation.id);
  });

  it('keeps a failure that may have reached Meta as the key’s answer, so a retry never sends again', async () => {
    const meta = await startResettingServer();
    try {
      const project = await newProject(env.gw);
      const n = await newPhoneNumber(env.gw, project.projectId, { graphUrl: meta.url });
      const member = await signedInMember(env.gw, project.projectId);
      await storeMessages(env.gw, n.phoneNumberId, [{ id: 'wamid.lost-line', timestamp: Math.floor(env.gw.clock.now() / 1000), waId: CUSTOMER }]);
      const list = await env.gw.app.inject({ method: 'GET', url: '/inbox/api/conversations', headers: member.headers() });
      const url = `/inbox/api/conversations/${list.json().data[0].id}/messages`;
      const attempt = () => env.gw.app.inject({ method: 'POST', url, headers: member.headers({ 'idempotency-key': 'lost-on-the-line' }), payload: { type: 'text', text: { body: 'did it go?' } } });
      const first = await attempt();
      expect(first.statusCode).toBeGreaterThanOrEqual(500);
      const calls = meta.connections;
      const retried = await attempt();
      expect(retried.statusCode).toBe(first.statusCode);
      expect(retried.json()).toEqual(first.json());
      expect(meta.connections).toBe(calls);
    } finally {
      await meta.close();
    }
  });
});
