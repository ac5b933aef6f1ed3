import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platform, seedTemplate } from '../helpers/broadcasts.ts';
import { dialects } from '../helpers/dialects.ts';
import { firstMessageOf, fixtureFor, postWebhook } from '../helpers/factories.ts';
import { type GatewayAndSimulator, startGatewayWithSimulator } from '../helpers/with-simulator.ts';

type Answer = { status: number; body: unknown };

/**
 * Real answers of the gateway checked against the response schema the OpenAPI document gives for
 * their path, method and status. Most response schemas are documentation only (the serializer
 * does not run them, http/documented-only.ts), so this is what keeps them true.
 */
describe.each(dialects)('sample answers match the OpenAPI document (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let t: Awaited<ReturnType<GatewayAndSimulator['newTenant']>>;
  let wamid: string;
  let matches: (path: string, method: string, answer: Answer) => void;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect);
    t = await env.newTenant();
    const body = fixtureFor('image', t);
    wamid = firstMessageOf(body).id;
    expect((await postWebhook(env.gw, body, t.appSecret)).statusCode).toBe(200);
    const doc = (await env.gw.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi.json');
    matches = (path, method, answer) => {
      const responses = doc.paths[path]?.[method]?.responses ?? {};
      const status = String(answer.status);
      const key = status in responses ? status : `${status[0]}XX`;
      expect(responses[key], `${method} ${path} documents ${status}`).toBeDefined();
      const pointer = ['paths', path, method, 'responses', key, 'content', 'application/json', 'schema'].map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
      const validate = ajv.compile({ $ref: `openapi.json#/${pointer}` });
      expect(validate(answer.body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
  });
  afterAll(() => env.close());

  const get = async (url: string): Promise<Answer> => {
    const res = await env.gw.app.inject({ method: 'GET', url, headers: { 'x-api-key': t.apiKey } });
    return { status: res.statusCode, body: res.json() };
  };

  it('a stored message, with every kapso key and with none', async () => {
    for (const fields of ['', '?fields=kapso(*)', '?fields=kapso()', '?fields=type']) {
      const answer = await get(`/v24.0/${t.phoneNumberId}/messages/${encodeURIComponent(wamid)}${fields}`);
      expect(answer.status).toBe(200);
      matches('/{version}/{phoneNumberId}/messages/{messageId}', 'get', answer);
    }
  });

  it('a page of messages, conversations and contacts', async () => {
    const messages = await get(`/v24.0/${t.phoneNumberId}/messages?fields=kapso(*)`);
    expect((messages.body as { data: unknown[] }).data).toHaveLength(1);
    matches('/{version}/{phoneNumberId}/messages', 'get', messages);
    const conversations = await get(`/v24.0/${t.phoneNumberId}/conversations?fields=kapso(*)`);
    expect((conversations.body as { data: unknown[] }).data).toHaveLength(1);
    matches('/{version}/{phoneNumberId}/conversations', 'get', conversations);
    const conversationId = (conversations.body as { data: Array<{ id: string }> }).data[0]?.id;
    matches('/{version}/conversations/{conversationId}', 'get', await get(`/v24.0/conversations/${conversationId}`));
    const contacts = await get(`/v24.0/${t.phoneNumberId}/contacts`);
    expect((contacts.body as { data: unknown[] }).data).toHaveLength(1);
    matches('/{version}/{phoneNumberId}/contacts', 'get', contacts);
    matches('/platform/v1/whatsapp/phone_numbers', 'get', await get('/platform/v1/whatsapp/phone_numbers'));
  });

  it('an unknown message, a missing key and a bad parameter in the error envelope', async () => {
    const unknown = await get(`/v24.0/${t.phoneNumberId}/messages/wamid.unknown`);
    expect(unknown.status).toBe(404);
    matches('/{version}/{phoneNumberId}/messages/{messageId}', 'get', unknown);
    const keyless = await env.gw.app.inject({ method: 'GET', url: `/v24.0/${t.phoneNumberId}/conversations` });
    expect(keyless.statusCode).toBe(401);
    matches('/{version}/{phoneNumberId}/conversations', 'get', { status: keyless.statusCode, body: keyless.json() });
    const invalid = await get(`/v24.0/${t.phoneNumberId}/messages?limit=0`);
    expect(invalid.status).toBe(400);
    matches('/{version}/{phoneNumberId}/messages', 'get', invalid);
  });

  it('a broadcast, its page and its recipients', async () => {
    const template = seedTemplate(env, t.wabaId);
    const created = await platform(env, t.apiKey, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 'Sale', phone_number_id: t.phoneNumberId, whatsapp_template_id: template.id } });
    expect(created.status).toBe(201);
    matches('/platform/v1/whatsapp/broadcasts', 'post', created);
    const id = (created.body as { data: { id: string } }).data.id;
    matches('/platform/v1/whatsapp/broadcasts/{broadcast_id}', 'get', await platform(env, t.apiKey, 'GET', `/broadcasts/${id}`));
    matches('/platform/v1/whatsapp/broadcasts', 'get', await platform(env, t.apiKey, 'GET', '/broadcasts'));
    matches('/platform/v1/whatsapp/broadcasts/{broadcast_id}/recipients', 'get', await platform(env, t.apiKey, 'GET', `/broadcasts/${id}/recipients`));
    const missing = await platform(env, t.apiKey, 'GET', '/broadcasts/00000000-0000-0000-0000-000000000000');
    expect(missing.status).toBe(404);
    matches('/platform/v1/whatsapp/broadcasts/{broadcast_id}', 'get', missing);
  });

  it('the health checks', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await env.gw.app.inject({ method: 'GET', url: path });
      matches(path, 'get', { status: res.statusCode, body: res.json() });
    }
  });
});
