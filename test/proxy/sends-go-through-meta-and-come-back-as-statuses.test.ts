import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage } from '../helpers/factories.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const CUSTOMER = '14155550123';

// One body per outbound type (meta-cloud-api.md §2.3), as a client sends them to the gateway.
const bodies: Array<[string, Record<string, unknown>]> = [
  ['text', { type: 'text', text: { preview_url: true, body: 'Track it: https://example.com/t/1 🚚' } }],
  ['image', { type: 'image', image: { link: 'https://cdn.example.com/p.jpg', caption: 'Your planter' } }],
  ['video', { type: 'video', video: { link: 'https://cdn.example.com/demo.mp4' } }],
  ['audio', { type: 'audio', audio: { link: 'https://cdn.example.com/v.ogg', voice: true } }],
  ['document', { type: 'document', document: { link: 'https://cdn.example.com/i.pdf', filename: 'invoice.pdf' } }],
  ['sticker', { type: 'sticker', sticker: { link: 'https://cdn.example.com/thanks.webp' } }],
  ['location', { type: 'location', location: { latitude: '37.7793', longitude: '-122.4193', name: 'Our store' } }],
  ['contacts', { type: 'contacts', contacts: [{ name: { formatted_name: 'Support Desk', first_name: 'Support' }, phones: [{ phone: '+15550102030', type: 'WORK' }] }] }],
  ['interactive', { type: 'interactive', interactive: { type: 'button', body: { text: 'Keep the slot?' }, action: { buttons: [{ type: 'reply', reply: { id: 'keep', title: 'Keep' } }] } } }],
];

describe.each(dialects)('sending through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    // The customer writes first, so the 24-hour window is open for free-form messages.
    env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, profile_name: 'Maya Chen', message: { type: 'text', text: { body: 'hello' } } });
    await env.sim.flush();
  });
  afterAll(() => env.close());

  const send = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    env.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey, ...headers },
      payload: { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${CUSTOMER}`, ...body },
    });

  it.each(bodies)('sends a %s message, stores it as outbound and applies the statuses Meta sends back', async (type, body) => {
    const res = await send(body);
    expect(res.statusCode).toBe(200);
    const answer = res.json();
    expect(answer).toMatchObject({ messaging_product: 'whatsapp', contacts: [{ input: `+${CUSTOMER}`, wa_id: CUSTOMER }] });
    const wamid = answer.messages[0].id as string;

    await env.sim.flush();
    const stored = (await getMessage(env.gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(all)')).json();
    expect(stored).toMatchObject({ id: wamid, type, to: CUSTOMER, [type]: body[type] });
    expect(stored.kapso).toMatchObject({ direction: 'outbound', status: 'read', phone_number: CUSTOMER, processing_status: 'completed' });
    // Voice notes also report their first play (meta-cloud-api.md §1.7); it counts as read.
    const expected = type === 'audio' ? ['sent', 'delivered', 'read', 'played'] : ['sent', 'delivered', 'read'];
    expect(stored.kapso.statuses.map((s: { status: string }) => s.status)).toEqual(expected);
  });

  it('keeps an outbound message in the customer conversation', async () => {
    const res = await send({ type: 'text', text: { body: 'in the thread' } });
    const wamid = res.json().messages[0].id as string;
    const stored = (await getMessage(env.gw, t.apiKey, t.phoneNumberId, wamid, '?fields=kapso(whatsapp_conversation_id)')).json();
    const conversations = await env.gw.deps.database.db.selectFrom('conversations').selectAll().where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(conversations).toHaveLength(1);
    expect(stored.kapso.whatsapp_conversation_id).toBe(conversations[0]?.id);
    expect(conversations[0]?.last_outbound_at).not.toBeNull();
  });

  it('marks an inbound message read at Meta and in the store', async () => {
    const { id } = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'read me' } } });
    await env.sim.flush();
    const res = await env.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey },
      payload: { messaging_product: 'whatsapp', status: 'read', message_id: id, typing_indicator: { type: 'text' } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    const stored = (await getMessage(env.gw, t.apiKey, t.phoneNumberId, id, '?fields=kapso(status)')).json();
    expect(stored.kapso.status).toBe('read');
  });

  it('sends once and answers the same for a retried Idempotency-Key', async () => {
    const before = env.sim.state.messages.length;
    const first = await send({ type: 'text', text: { body: 'only once' } }, { 'idempotency-key': 'order-4471-shipped' });
    const second = await send({ type: 'text', text: { body: 'only once' } }, { 'idempotency-key': 'order-4471-shipped' });
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(env.sim.state.messages.length).toBe(before + 1);

    const reused = await send({ type: 'text', text: { body: 'something else' } }, { 'idempotency-key': 'order-4471-shipped' });
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe(100);
  });

  it('refuses a body without the object its type names, before calling Meta', async () => {
    const before = env.sim.state.messages.length;
    const res = await send({ type: 'image' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException' });
    expect(res.json().error.error_data.details).toContain('image');
    expect(env.sim.state.messages.length).toBe(before);
  });
});
