import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { jpegBytes } from '../media/helpers.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

describe.each(dialects)('pass-through routes and tenancy (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const get = (url: string, apiKey: string) => env.gw.app.inject({ method: 'GET', url, headers: { 'x-api-key': apiKey } });

  it("lists the project's own templates and refuses another project's WABA like an unknown one", async () => {
    const owner = await env.newTenant();
    const stranger = await env.newTenant();
    const own = await get(`/v24.0/${owner.wabaId}/message_templates?limit=100`, owner.apiKey);
    expect(own.statusCode).toBe(200);
    expect(own.json().data.map((x: { name: string }) => x.name)).toContain('hello_world');
    const foreign = await get(`/v24.0/${owner.wabaId}/message_templates`, stranger.apiKey);
    const missing = await get('/v24.0/100000000000077/message_templates', stranger.apiKey);
    expectIndistinguishable(foreign, missing, { foreign: owner.wabaId, missing: '100000000000077' });
  });

  it("reads an upload's metadata (from the gateway's copy) through the owner's number and refuses it through another project's", async () => {
    const owner = await env.newTenant();
    const stranger = await env.newTenant();
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', 'image/jpeg');
    form.append('file', new Blob([new Uint8Array(jpegBytes(500))], { type: 'image/jpeg' }), 'x.jpg');
    const upload = await fetch(`${env.gatewayUrl}/v24.0/${owner.phoneNumberId}/media`, { method: 'POST', headers: { 'x-api-key': owner.apiKey }, body: form });
    expect(upload.status).toBe(200);
    const { id } = (await upload.json()) as { id: string };
    const meta = await get(`/v24.0/${id}?phone_number_id=${owner.phoneNumberId}`, owner.apiKey);
    expect(meta.statusCode).toBe(200);
    expect(meta.json()).toMatchObject({ id, mime_type: 'image/jpeg', file_size: '500' });
    const foreign = await get(`/v24.0/${id}?phone_number_id=${owner.phoneNumberId}`, stranger.apiKey);
    const missing = await get(`/v24.0/${id}?phone_number_id=100000000000078`, stranger.apiKey);
    expectIndistinguishable(foreign, missing, { foreign: owner.phoneNumberId, missing: '100000000000078' });
  });

  it('refuses a media delete without phone_number_id', async () => {
    const owner = await env.newTenant();
    const res = await env.gw.app.inject({ method: 'DELETE', url: '/v24.0/123456', headers: { 'x-api-key': owner.apiKey } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.error_data.details).toContain('phone_number_id');
  });
});

describe.each(dialects)('phone number, business profile and settings through the gateway (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
  });
  afterAll(() => env.close());

  const call = (method: 'GET' | 'POST', url: string, apiKey: string, payload?: object) =>
    env.gw.app.inject({ method, url, headers: { 'x-api-key': apiKey }, ...(payload ? { payload } : {}) });

  it("reads the number's fields, and writes and reads back its business profile and settings", async () => {
    const t = await env.newTenant();
    const number = await call('GET', `/v24.0/${t.phoneNumberId}`, t.apiKey);
    expect(number.statusCode).toBe(200);
    expect(number.json()).toMatchObject({ id: t.phoneNumberId });

    const update = await call('POST', `/v24.0/${t.phoneNumberId}/whatsapp_business_profile`, t.apiKey, { messaging_product: 'whatsapp', about: 'Plants, delivered 🌱' });
    expect(update.json()).toEqual({ success: true });
    const profile = await call('GET', `/v24.0/${t.phoneNumberId}/whatsapp_business_profile`, t.apiKey);
    expect(profile.json().data[0].about).toBe('Plants, delivered 🌱');

    expect((await call('POST', `/v24.0/${t.phoneNumberId}/settings`, t.apiKey, { calling: { status: 'ENABLED' } })).json()).toEqual({ success: true });
    expect((await call('GET', `/v24.0/${t.phoneNumberId}/settings`, t.apiKey)).json().calling).toEqual({ status: 'ENABLED' });
  });

  it("passes Meta's refusal of an unknown profile field through", async () => {
    const t = await env.newTenant();
    const res = await call('POST', `/v24.0/${t.phoneNumberId}/whatsapp_business_profile`, t.apiKey, { messaging_product: 'whatsapp', colour: 'green' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe(100);
  });

  it("refuses another project's number like an unknown one", async () => {
    const owner = await env.newTenant();
    const stranger = await env.newTenant();
    const foreign = await call('GET', `/v24.0/${owner.phoneNumberId}/whatsapp_business_profile`, stranger.apiKey);
    const missing = await call('GET', '/v24.0/100000000000079/whatsapp_business_profile', stranger.apiKey);
    expectIndistinguishable(foreign, missing, { foreign: owner.phoneNumberId, missing: '100000000000079' });
  });
});
