import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/** What the router and the body parsers refuse, on the whole gateway: Meta's envelope, a sensible status. */
describe.each(dialects)('refusals before any route runs (%s)', (dialect) => {
  let gw: TestGateway;
  let t: Awaited<ReturnType<typeof newTenant>>;
  beforeAll(async () => {
    gw = await startGateway(dialect);
    t = await newTenant(gw);
  });
  afterAll(() => gw.close());

  const json = { 'content-type': 'application/json' };
  const cases: Array<[string, () => InjectOptions, number]> = [
    ['a path that is not valid percent-encoding', () => ({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/messages/%E0%A4%A`, headers: { 'x-api-key': t.apiKey } }), 400],
    ['a path parameter longer than any id', () => ({ method: 'GET', url: `/v24.0/${'1'.repeat(600)}/messages`, headers: { 'x-api-key': t.apiKey } }), 414],
    ['an unknown path', () => ({ method: 'GET', url: '/nowhere/at/all' }), 404],
    ['an unsupported content type', () => ({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey, 'content-type': 'text/xml' }, payload: '<a/>' }), 415],
    ['an empty JSON body', () => ({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey, ...json }, payload: '' }), 400],
    ['invalid JSON', () => ({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey, ...json }, payload: '{"to":' }), 400],
    ['a body over the limit', () => ({ method: 'POST', url: `/v24.0/${t.phoneNumberId}/messages`, headers: { 'x-api-key': t.apiKey, ...json }, payload: JSON.stringify({ to: 'x'.repeat(2 * 1024 * 1024) }) }), 413],
    ['a webhook that is not JSON', () => ({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/xml' }, payload: '<a/>' }), 415],
    ['an empty webhook body', () => ({ method: 'POST', url: '/webhooks/whatsapp', headers: json, payload: '' }), 400],
    // A repeated key is an array, which reached the verify-token query (a 500 on both dialects).
    ['a repeated hub.verify_token', () => ({ method: 'GET', url: '/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=a&hub.verify_token=b' }), 400],
  ];

  it.each(cases)('answers %s in the envelope', async (_label, request, status) => {
    const res = await gw.app.inject(request());
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({
      error: expect.objectContaining({ message: expect.any(String), type: expect.any(String), code: expect.any(Number), fbtrace_id: expect.any(String) }),
    });
  });

  it('names the limit that applies in a 413', async () => {
    const res = await gw.app.inject(cases[6]![1]());
    expect(res.json().error.error_data.details).toContain(String(gw.deps.config.http.bodyLimitBytes));
  });
});
