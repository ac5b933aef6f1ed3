import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { expectInvalidParameter } from '../helpers/history.ts';
import { startGatewayWithSimulator, type GatewayAndSimulator } from '../helpers/with-simulator.ts';

const URL = (id: string) => `/platform/v1/whatsapp/phone_numbers/${id}`;

/**
 * `PATCH …/phone_numbers/{id}` takes `messaging_limit` (docs/api.md): a tier or count set by the
 * operator, `meta` to read it again from the number's fields at Meta (here the simulator), null
 * to forget it. The number shows it, and Kapso's field shows what Meta said.
 */
describe.each(dialects)('a number’s messaging limit through the Platform API (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const patch = (apiKey: string, id: string, fields: Record<string, unknown>) =>
    env.gw.app.inject({ method: 'PATCH', url: URL(id), headers: { 'x-api-key': apiKey }, payload: { whatsapp_phone_number: fields } });
  type Tenant = Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  const atMeta = (t: Tenant, tier: string) =>
    env.sim.registerNumber({ phone_number_id: t.phoneNumberId, display_phone_number: t.displayPhoneNumber, waba_id: t.wabaId, access_token: t.accessToken, app_secret: t.appSecret, messaging_limit_tier: tier });

  it('keeps the operator’s tier or count, shows it on the number, and forgets it with null', async () => {
    const t = await env.newTenant();
    const set = await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'TIER_2K' });
    expect(set.statusCode).toBe(200);
    expect(set.json().data).toMatchObject({ messaging_limit_tier: 'TIER_2K', messaging_limit_source: 'operator', whatsapp_business_manager_messaging_limit: null });
    expect((await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 10000 })).json().data).toMatchObject({ messaging_limit_tier: 'TIER_10K' });
    const listed = await env.gw.app.inject({ method: 'GET', url: '/platform/v1/whatsapp/phone_numbers', headers: { 'x-api-key': t.apiKey } });
    expect(listed.json().data[0]).toMatchObject({ messaging_limit_tier: 'TIER_10K', messaging_limit_source: 'operator' });
    expect((await patch(t.apiKey, t.phoneNumberId, { messaging_limit: null })).json().data).toMatchObject({ messaging_limit_tier: null, messaging_limit_source: null });
  });

  it('reads it again from the number’s fields at Meta with `meta`', async () => {
    const t = await env.newTenant();
    atMeta(t, 'TIER_250');
    await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'unlimited' });
    const read = await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'meta' });
    expect(read.statusCode).toBe(200);
    expect(read.json().data).toMatchObject({ messaging_limit_tier: 'TIER_250', messaging_limit_source: 'meta', whatsapp_business_manager_messaging_limit: 'TIER_250' });
  });

  it('answers 502 in Meta’s envelope when Meta will not say, leaving the limit as it was', async () => {
    const t = await env.newTenant();
    await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'TIER_1K' });
    // Meta no longer knows the token: it refuses the read.
    env.sim.registerNumber({ phone_number_id: t.phoneNumberId, display_phone_number: t.displayPhoneNumber, waba_id: t.wabaId, access_token: 'another-token', app_secret: t.appSecret });
    const res = await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'meta' });
    expect(res.statusCode).toBe(502);
    expect(res.json().error).toMatchObject({ code: 2, type: 'OAuthException', error_data: { details: expect.stringContaining('messaging limit could not be read') } });
    const listed = await env.gw.app.inject({ method: 'GET', url: '/platform/v1/whatsapp/phone_numbers', headers: { 'x-api-key': t.apiKey } });
    expect(listed.json().data[0]).toMatchObject({ messaging_limit_tier: 'TIER_1K', messaging_limit_source: 'operator' });
  });

  it('refuses a limit Meta has no tier for, naming the field', async () => {
    const t = await env.newTenant();
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 300 }), 'whatsapp_phone_number.messaging_limit');
    expectInvalidParameter(await patch(t.apiKey, t.phoneNumberId, { messaging_limit: 'lots' }), 'whatsapp_phone_number.messaging_limit');
  });
});
