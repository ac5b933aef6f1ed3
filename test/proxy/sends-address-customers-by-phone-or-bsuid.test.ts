import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { getMessage } from '../helpers/factories.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

const PHONE = '14155550123';
const BSUID = 'US.13491208655302741918';

/** Sends by `to`, by `recipient` (a BSUID) or by both (kapso-api.md §6.1.1, SDK 0.3.0). */
describe.each(dialects)('sends addressed by phone or by BSUID (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let inboundId = '';
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    // A customer with a username who still shows their phone: the gateway knows both identifiers.
    inboundId = env.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: PHONE, profile_name: 'Maya Chen', user_id: BSUID, username: 'maya', message: { type: 'text', text: { body: 'hello' } } }).id;
    await env.sim.flush();
  });
  afterAll(() => env.close());

  const send = (address: Record<string, unknown>) =>
    env.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey },
      payload: { messaging_product: 'whatsapp', recipient_type: 'individual', type: 'text', text: { body: 'on its way' }, ...address },
    });
  const conversationOf = async (wamid: string) => (await getMessage(gw(), t.apiKey, t.phoneNumberId, wamid)).json().kapso.whatsapp_conversation_id;
  const gw = () => env.gw;

  it.each([
    ['to alone', { to: `+${PHONE}` }],
    ['recipient alone', { recipient: BSUID }],
    ['both', { to: PHONE, recipient: BSUID }],
  ])('stores a send by %s in the customer’s one conversation', async (_name, address) => {
    const res = await send(address);
    expect(res.statusCode).toBe(200);
    const wamid = res.json().messages[0].id;
    expect(await conversationOf(wamid)).toBe(await conversationOf(inboundId));
    const stored = (await getMessage(gw(), t.apiKey, t.phoneNumberId, wamid)).json();
    expect(stored.to).toBe(PHONE);
    expect(stored.kapso.phone_number).toBe(PHONE);
    if ('recipient' in address) {
      expect(res.json().contacts[0].user_id).toBe(BSUID);
      expect(stored.to_user_id).toBe(BSUID);
    }
    expect(stored.recipient).toBeUndefined();
    const contacts = await env.gw.deps.database.db.selectFrom('contacts').select(['wa_id', 'business_scoped_user_id']).where('phone_number_id', '=', t.phoneNumberId).execute();
    expect(contacts).toEqual([{ wa_id: PHONE, business_scoped_user_id: BSUID }]);
  });

  it('refuses a send naming no one, or a recipient too long to be a BSUID, before reaching Meta', async () => {
    const before = env.sim.state.messages.length;
    const none = await send({});
    expect(none.statusCode).toBe(400);
    expect(none.json().error).toMatchObject({ code: 100 });
    expect(none.json().error.error_data.details).toBe('The parameter to is required.');
    expect((await send({ recipient: `US.${'1'.repeat(300)}` })).statusCode).toBe(400);
    expect(env.sim.state.messages.length).toBe(before);
  });

  it('answers a contact of another project, named by BSUID, as unknown', async () => {
    const other = await env.newTenant();
    const res = await env.gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/contacts/${BSUID}`, headers: { 'x-api-key': other.apiKey } });
    expect(res.statusCode).toBe(404);
    const own = await env.gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/contacts/${BSUID}`, headers: { 'x-api-key': t.apiKey } });
    expect(own.json()).toMatchObject({ wa_id: PHONE, business_scoped_user_id: BSUID, username: 'maya' });
  });
});
