import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, postWebhook } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { customerTextWebhook } from '../helpers/webhooks.ts';

const BSUID = 'US.13491208655302741918';

/** A customer known only by BSUID is a contact like any other (kapso-api.md §6.3). */
describe.each(dialects)('contacts addressed by BSUID (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
    const body = customerTextWebhook(t.phoneNumberId, 'wamid.1', { bsuid: BSUID, parentBsuid: 'US.ENT.99', username: 'maya' }, { body: 'hi' });
    expect((await postWebhook(gw, body, t.appSecret)).statusCode).toBe(200);
  });
  afterAll(() => gw.close());

  const api = (method: 'GET' | 'PATCH', url: string, apiKey = t.apiKey, payload?: object) =>
    gw.app.inject({ method, url: `/v24.0/${t.phoneNumberId}${url}`, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });

  it('lists, reads and updates the contact by its BSUID', async () => {
    const list = (await api('GET', `/contacts?business_scoped_user_id=${BSUID}`)).json();
    expect(list.data).toEqual([
      expect.objectContaining({ wa_id: null, business_scoped_user_id: BSUID, parent_business_scoped_user_id: 'US.ENT.99', username: 'maya', country_code: 'US', profile_name: 'Maya Chen' }),
    ]);
    expect((await api('PATCH', `/contacts/${BSUID}`, t.apiKey, { metadata: { tier: 'gold' } })).json()).toEqual({ success: true });
    expect((await api('GET', `/contacts/${BSUID}`)).json()).toMatchObject({ id: list.data[0].id, metadata: { tier: 'gold' } });
    expect((await api('GET', '/contacts?business_scoped_user_id=US.0')).json().data).toEqual([]);
    expect((await api('GET', `/conversations?business_scoped_user_id=${BSUID}`)).json().data).toEqual([expect.objectContaining({ phone_number: null, business_scoped_user_id: BSUID })]);
  });

  it('answers an unknown BSUID, or another project’s, as unknown, and refuses an overlong one', async () => {
    expect((await api('GET', '/contacts/US.0')).statusCode).toBe(404);
    expect((await api('PATCH', '/contacts/US.0', t.apiKey, { display_name: 'x' })).statusCode).toBe(404);
    const other = await newTenant(gw);
    const foreign = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/contacts/${BSUID}`, headers: { 'x-api-key': other.apiKey } });
    expect(foreign.statusCode).toBe(404);
    const long = `US.${'1'.repeat(300)}`;
    expect((await api('GET', `/contacts?business_scoped_user_id=${long}`)).statusCode).toBe(400);
    expect((await api('GET', `/messages?business_scoped_user_id=${long}`)).statusCode).toBe(400);
    expect((await api('GET', `/contacts/${long}`)).statusCode).toBe(400);
  });
});
