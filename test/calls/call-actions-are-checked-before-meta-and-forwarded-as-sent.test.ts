import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectAuthRequired, expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { type GraphRecorder, rawRequest, startGraphRecorder } from '../helpers/graph-recorder.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

const SESSION = { sdp_type: 'answer', sdp: 'v=0' };

/**
 * `POST /{phone_number_id}/calls` and `GET /{phone_number_id}/call_permissions` (kapso-api.md
 * §6.7.1): what each action requires is checked before anything reaches Meta, and what passes
 * goes to the stored number's own Graph path, under its token, with no parameter it does not name.
 */
describe.each(dialects)('call actions are checked before Meta and forwarded as sent (%s)', (dialect) => {
  let gw: TestGateway;
  let graph: GraphRecorder;
  let base: string;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let other: Awaited<ReturnType<typeof newTenant>>;
  const post = (body: unknown, phoneNumberId = t.phoneNumberId, apiKey = t.apiKey) =>
    gw.app.inject({ method: 'POST', url: `/v24.0/${phoneNumberId}/calls`, headers: { 'x-api-key': apiKey }, payload: body as object });

  beforeAll(async () => {
    graph = await startGraphRecorder();
    gw = await startGateway(dialect, { META_GRAPH_URL: graph.url });
    base = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    t = await newTenant(gw);
    other = await newTenant(gw);
  });
  beforeEach(() => {
    graph.calls.length = 0;
  });
  afterAll(async () => {
    await gw.close();
    await graph.close();
  });

  it.each([
    ['pre_accept', { call_id: 'wacid.X', session: SESSION }],
    ['accept', { call_id: 'wacid.X', session: SESSION, biz_opaque_callback_data: 'ref' }],
    ['reject', { call_id: 'wacid.X' }],
    ['terminate', { call_id: 'wacid.X' }],
  ])('forwards %s to the number’s own calls edge under its token, answering Meta’s answer', async (action, rest) => {
    const res = await post({ messaging_product: 'whatsapp', action, ...rest });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ success: true });
    expect(graph.calls).toEqual([{ method: 'POST', target: `/v24.0/${t.phoneNumberId}/calls`, authorization: `Bearer ${t.accessToken}`, requestId: res.headers['x-request-id'] }]);
  });

  it.each([
    ['an unknown action', { messaging_product: 'whatsapp', action: 'hold', call_id: 'wacid.X' }, 'action'],
    ['no action', { messaging_product: 'whatsapp', call_id: 'wacid.X' }, 'action'],
    ['no messaging_product', { action: 'terminate', call_id: 'wacid.X' }, 'messaging_product'],
    ['a terminate without call_id', { messaging_product: 'whatsapp', action: 'terminate' }, 'call_id'],
    ['a reject without call_id', { messaging_product: 'whatsapp', action: 'reject' }, 'call_id'],
    ['an accept without session', { messaging_product: 'whatsapp', action: 'accept', call_id: 'wacid.X' }, 'session'],
    ['a pre_accept with a session lacking sdp', { messaging_product: 'whatsapp', action: 'pre_accept', call_id: 'wacid.X', session: { sdp_type: 'answer' } }, 'session.sdp'],
    ['a connect with neither to nor recipient', { messaging_product: 'whatsapp', action: 'connect' }, 'to'],
    ['a connect with an empty to', { messaging_product: 'whatsapp', action: 'connect', to: ' ' }, 'to'],
    ['an over-long biz_opaque_callback_data', { messaging_product: 'whatsapp', action: 'connect', to: '14155550123', biz_opaque_callback_data: 'x'.repeat(513) }, 'biz_opaque_callback_data'],
    ['a reserved Graph parameter', { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X', access_token: 'stolen' }, 'access_token'],
  ])('answers %s with 400 naming the parameter, and never calls Meta', async (_what, body, parameter) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 100, type: 'OAuthException', error_data: { details: expect.stringContaining(parameter) } });
    expect(graph.calls).toEqual([]);
  });

  it('answers 502 to a connect Meta accepted without a call id, which it cannot follow', async () => {
    const res = await post({ messaging_product: 'whatsapp', action: 'connect', to: '14155550123' });
    expect(res.statusCode).toBe(502);
    expect(graph.calls).toHaveLength(1);
  });

  it('forwards only user_wa_id to call_permissions', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: `/v24.0/${t.phoneNumberId}/call_permissions?user_wa_id=14155550123&fields=secret&debug=all`,
      headers: { 'x-api-key': t.apiKey },
    });
    expect(res.statusCode).toBe(200);
    expect(graph.calls).toEqual([{ method: 'GET', target: `/v24.0/${t.phoneNumberId}/call_permissions?user_wa_id=14155550123`, authorization: `Bearer ${t.accessToken}`, requestId: res.headers['x-request-id'] }]);
  });

  it.each([
    ['?', 'user_wa_id'],
    ['?user_wa_id=', 'user_wa_id'],
    ['?user_wa_id=1&user_wa_id=2', 'user_wa_id'],
    ['?user_wa_id=1&access_token=stolen', 'access_token'],
  ])('refuses call_permissions%s with 400 naming %s, without calling Meta', async (query, parameter) => {
    const res = await gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/call_permissions${query}`, headers: { 'x-api-key': t.apiKey } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.error_data.details).toContain(parameter);
    expect(graph.calls).toEqual([]);
  });

  it('answers another project’s number exactly like an unknown one, on every calling route', async () => {
    const body = { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X' };
    expectIndistinguishable(await post(body, other.phoneNumberId), await post(body, '999000999000999'), { foreign: other.phoneNumberId, missing: '999000999000999' });
    const permissions = (id: string) => gw.app.inject({ method: 'GET', url: `/v24.0/${id}/call_permissions?user_wa_id=1`, headers: { 'x-api-key': t.apiKey } });
    expectIndistinguishable(await permissions(other.phoneNumberId), await permissions('999000999000999'), { foreign: other.phoneNumberId, missing: '999000999000999' });
    expect(graph.calls).toEqual([]);
  });

  it.each([
    '/v24.0/..%2Fme/calls',
    '/v24.0/%2E%2E/calls',
    '/v24.0/123%2F..%2F..%2Fme/calls',
    '/v24.0/123%3Faccess_token%3Dx/calls',
    '/v24.0/12ab/call_permissions?user_wa_id=1',
  ])('never lets an id in the path reach another Graph path: %s', async (target) => {
    const res = await rawRequest(base, {
      method: target.includes('call_permissions') ? 'GET' : 'POST',
      target,
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      ...(target.includes('call_permissions') ? {} : { body: JSON.stringify({ messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X' }) }),
    });
    expect([400, 404]).toContain(res.status);
    expect(graph.calls).toEqual([]);
  });

  it('forwards a call id as body data only: no id in it reaches the path', async () => {
    const res = await post({ messaging_product: 'whatsapp', action: 'terminate', call_id: '../../me?access_token=x' });
    expect(res.statusCode).toBe(200);
    expect(graph.calls.map((c) => c.target)).toEqual([`/v24.0/${t.phoneNumberId}/calls`]);
  });

  it('requires a project key', async () => {
    await expectAuthRequired(gw, { method: 'POST', url: `/v24.0/${t.phoneNumberId}/calls`, payload: { messaging_product: 'whatsapp', action: 'terminate', call_id: 'wacid.X' } });
    await expectAuthRequired(gw, { method: 'GET', url: `/v24.0/${t.phoneNumberId}/call_permissions?user_wa_id=1` });
    expect(graph.calls).toEqual([]);
  });
});
