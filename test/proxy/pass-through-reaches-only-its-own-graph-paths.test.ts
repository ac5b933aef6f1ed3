import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { newTenant, type TestNumber, type TestProject } from '../helpers/factories.ts';
import { type GraphRecorder, type RecordedCall, rawRequest, startGraphRecorder } from '../helpers/graph-recorder.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { jpegBytes } from '../media/helpers.ts';

/**
 * A client's path and query values must never take the stored Meta token anywhere
 * but the Graph path its route means. Every hostile value below is put in every slot of every
 * pass-through route (both URL prefixes), sent byte for byte, and the Graph origin (a recorder)
 * must only ever see the intended paths, with no parameter the client smuggled in.
 */
const TEMPLATE_ID = '1987654321098765';
const ACTIONS = ['settings', 'whatsapp_business_profile', 'register', 'deregister', 'request_code', 'verify_code'];

/** Hostile spellings of a slot whose legitimate value is `x`. */
function hostile(x: string): string[] {
  return [
    '..',
    '.',
    '%2e%2e',
    '%2E%2E',
    '.%2e',
    '..%2F..%2F..%2Fme',
    `${x}%2F..%2F..%2F..%2Fme`,
    `${x}/../../../me`,
    '%2F..%2F..%2Fme',
    '%252F..%252Fme',
    `${x}%252F..%252F..%252Fme`,
    '%252e%252e',
    '..%5C..%5Cme',
    `${x}\\..\\..\\me`,
    '%5C%5Cevil.example%5Cx',
    `${x}%3Faccess_token%3Dstolen`,
    `${x}%3Fmethod%3Ddelete`,
    `${x}%23fragment`,
    `${x}%26access_token%3Dstolen`,
    `${x}%3Bx`,
    '@evil.example',
    `${x}@evil.example`,
    'http:%2F%2Fevil.example%2Fx',
    'https%3A%2F%2Fevil.example',
    '%2F%2Fevil.example%2Fx',
    `${x}%2Fmessages`,
    `${x}%2F`,
    `${x}%00`,
    ` ${x}`.replace(' ', '%20'),
    `-${x}`,
    `${x}0`,
  ];
}

/** Query strings a client might add to smuggle parameters past the gateway. */
const SMUGGLED_QUERIES = [
  'access_token=stolen',
  'fields=id%26access_token%3Dstolen',
  'fields=id&access_token=stolen',
  'method=delete',
  'appsecret_proof=x',
  'fields=id&fields=name',
  'debug=all&ids=1,2',
  'suppress_http_code=1',
  'callback=x',
];

describe.each(dialects)('pass-through routes reach only their own Graph paths (%s)', (dialect) => {
  let gw: TestGateway;
  let graph: GraphRecorder;
  let base: string;
  let t: TestProject & TestNumber;
  let media: string;

  beforeAll(async () => {
    graph = await startGraphRecorder();
    gw = await startGateway(dialect, { META_GRAPH_URL: graph.url });
    base = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    t = await newTenant(gw);
    // A media id the gateway knows for the number: uploaded through it.
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('file', new Blob([new Uint8Array(jpegBytes(300))], { type: 'image/jpeg' }), 'x.jpg');
    const upload = await fetch(`${base}/v24.0/${t.phoneNumberId}/media`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
    expect(upload.status).toBe(200);
    media = graph.uploadId;
    // A flow the gateway records for the project: created through it under the number's WABA.
    const flow = await fetch(`${base}/v24.0/${t.wabaId}/flows`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'recorded', categories: ['OTHER'] }),
    });
    expect(flow.status).toBe(200);
  });
  afterAll(async () => {
    await gw.close();
    await graph.close();
  });

  /** Whether a call the gateway made upstream is one a route means to make, and how. */
  function unintended(call: RecordedCall): string | undefined {
    const [path = '', query = ''] = call.target.split('?');
    const params = new URLSearchParams(query);
    const version = '/v\\d{1,3}\\.\\d{1,3}';
    const pn = t.phoneNumberId;
    const shapes: [string, RegExp][] = [
      ['GET', new RegExp(`^${version}/${pn}$`)],
      ['POST', new RegExp(`^${version}/${pn}/(media|messages|${ACTIONS.join('|')})$`)],
      ['GET', new RegExp(`^${version}/${pn}/(settings|whatsapp_business_profile)$`)],
      ['GET|POST|DELETE', new RegExp(`^${version}/${t.wabaId}/message_templates$`)],
      ['GET', new RegExp(`^${version}/${t.wabaId}/message_templates/\\d+$`)], // any template id: Meta answers for the WABA
      ['DELETE', new RegExp(`^${version}/${media}$`)],
      ['GET|POST', new RegExp(`^${version}/${t.wabaId}/flows$`)],
      ['GET', new RegExp(`^${version}/${graph.flowId}$`)],
      ['POST', new RegExp(`^${version}/${graph.flowId}/(assets|publish|deprecate)$`)],
    ];
    if (!shapes.some(([methods, shape]) => methods.split('|').includes(call.method) && shape.test(path))) return `unintended path ${call.method} ${call.target}`;
    for (const name of ['access_token', 'method', 'appsecret_proof', 'debug', 'ids', 'suppress_http_code', 'callback']) {
      if (params.has(name)) return `smuggled ${name}: ${call.method} ${call.target}`;
    }
    if ([...params.keys()].length !== new Set(params.keys()).size) return `repeated parameter: ${call.target}`;
    if (call.method === 'DELETE' && path.endsWith(`/${media}`) && params.get('phone_number_id') !== pn) return `media delete not scoped to the number: ${call.target}`;
    if (call.authorization !== `Bearer ${t.accessToken}`) return `unexpected authorization on ${call.target}`;
    return undefined;
  }

  type Route = { name: string; method: 'GET' | 'POST' | 'DELETE'; target: (slot: string) => string; legit: () => string; body?: string };
  const routes: Route[] = [
    { name: 'GET /{phone_number_id}', method: 'GET', target: (s) => `/v24.0/${s}`, legit: () => t.phoneNumberId },
    { name: 'GET /{media_id}?phone_number_id=', method: 'GET', target: (s) => `/v24.0/${s}?phone_number_id=${t.phoneNumberId}`, legit: () => media },
    { name: 'GET /{media_id}?phone_number_id={slot}', method: 'GET', target: (s) => `/v24.0/${media}?phone_number_id=${s}`, legit: () => t.phoneNumberId },
    { name: 'DELETE /{media_id}?phone_number_id=', method: 'DELETE', target: (s) => `/v24.0/${s}?phone_number_id=${t.phoneNumberId}`, legit: () => media },
    { name: 'DELETE /{media_id}?phone_number_id={slot}', method: 'DELETE', target: (s) => `/v24.0/${media}?phone_number_id=${s}`, legit: () => t.phoneNumberId },
    { name: 'POST /{phone_number_id}/media', method: 'POST', target: (s) => `/v24.0/${s}/media`, legit: () => t.phoneNumberId, body: '{}' },
    {
      name: 'POST /{phone_number_id}/messages',
      method: 'POST',
      target: (s) => `/v24.0/${s}/messages`,
      legit: () => t.phoneNumberId,
      body: JSON.stringify({ messaging_product: 'whatsapp', to: '14155550123', type: 'text', text: { body: 'hi' } }),
    },
    ...ACTIONS.flatMap((action): Route[] => [
      { name: `POST /{phone_number_id}/${action}`, method: 'POST', target: (s) => `/v24.0/${s}/${action}`, legit: () => t.phoneNumberId, body: '{}' },
      ...(action === 'settings' || action === 'whatsapp_business_profile'
        ? [{ name: `GET /{phone_number_id}/${action}`, method: 'GET' as const, target: (s: string) => `/v24.0/${s}/${action}`, legit: () => t.phoneNumberId }]
        : []),
    ]),
    ...(['GET', 'POST', 'DELETE'] as const).map((method): Route => ({
      name: `${method} /{waba_id}/message_templates`,
      method,
      target: (s) => `/v24.0/${s}/message_templates${method === 'DELETE' ? '?name=hello' : ''}`,
      legit: () => t.wabaId,
      ...(method === 'POST' ? { body: '{"name":"x"}' } : {}),
    })),
    { name: 'GET /{waba_id}/message_templates/{template_id}', method: 'GET', target: (s) => `/v24.0/${t.wabaId}/message_templates/${s}`, legit: () => TEMPLATE_ID },
    { name: 'GET /{version}/{phone_number_id}/settings', method: 'GET', target: (s) => `/${s}/${t.phoneNumberId}/settings`, legit: () => 'v24.0' },
    { name: 'GET /{waba_id}/flows', method: 'GET', target: (s) => `/v24.0/${s}/flows`, legit: () => t.wabaId },
    { name: 'POST /{waba_id}/flows', method: 'POST', target: (s) => `/v24.0/${s}/flows`, legit: () => t.wabaId, body: '{"name":"x","categories":["OTHER"]}' },
    { name: 'GET /{flow_id}', method: 'GET', target: (s) => `/v24.0/${s}`, legit: () => graph.flowId },
    ...(['publish', 'deprecate'] as const).map((edge): Route => ({ name: `POST /{flow_id}/${edge}`, method: 'POST', target: (s) => `/v24.0/${s}/${edge}`, legit: () => graph.flowId })),
  ];

  const send = (prefix: string, route: Route, target: string) =>
    rawRequest(base, {
      method: route.method,
      target: `${prefix}${target}`,
      headers: { 'x-api-key': t.apiKey, ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(route.body !== undefined ? { body: route.body } : {}),
    });

  describe.each(['', '/meta/whatsapp'])('under the prefix "%s"', (prefix) => {
    it.each(routes.map((r) => [r.name, r] as const))('%s: hostile path and query values never reach another Graph path', async (_name, route) => {
      graph.calls.length = 0;
      const legit = route.legit();
      const answers: string[] = [];
      const targets = [
        ...hostile(legit).map((value) => route.target(value)),
        ...SMUGGLED_QUERIES.map((q) => {
          const target = route.target(legit);
          return `${target}${target.includes('?') ? '&' : '?'}${q}`;
        }),
      ];
      for (const target of targets) {
        const res = await send(prefix, route, target);
        if (res.status >= 500) answers.push(`${res.status} for ${target}: ${res.body}`);
      }
      expect(answers).toEqual([]);
      expect(graph.calls.map(unintended).filter(Boolean)).toEqual([]);
    });

    it.each(routes.map((r) => [r.name, r] as const))('%s: the legitimate call still reaches its Graph path', async (_name, route) => {
      graph.calls.length = 0;
      const res = await send(prefix, route, route.target(route.legit()));
      expect(res.status).toBe(200);
      // Media metadata is the gateway's own answer; every other route asked Meta once.
      if (route.name.startsWith('GET /{media_id}')) expect(graph.calls).toEqual([]);
      else expect(graph.calls.map((c) => unintended(c) ?? 'ok')).toEqual(['ok']);
    });
  });

  it('answers a delete of a media id the number never had exactly like an unknown object, without asking Meta', async () => {
    graph.calls.length = 0;
    const other = '1000000000000001';
    const del = await rawRequest(base, { method: 'DELETE', target: `/v24.0/${other}?phone_number_id=${t.phoneNumberId}`, headers: { 'x-api-key': t.apiKey } });
    const get = await rawRequest(base, { method: 'GET', target: `/v24.0/${other}?phone_number_id=${t.phoneNumberId}`, headers: { 'x-api-key': t.apiKey } });
    expect(del.status).toBe(404);
    const { fbtrace_id: _a, ...delError } = JSON.parse(del.body).error;
    const { fbtrace_id: _b, ...getError } = JSON.parse(get.body).error;
    expect(delError).toEqual({ ...getError, message: getError.message.replace('Unsupported get request', 'Unsupported delete request') });
    expect(delError).toMatchObject({ code: 100, type: 'GraphMethodException', error_subcode: 33 });
    expect(graph.calls).toEqual([]);
  });

  it("refuses a Graph parameter that would replace the number's token, in the query or the body", async () => {
    graph.calls.length = 0;
    const inQuery = await rawRequest(base, { method: 'GET', target: `/v24.0/${t.phoneNumberId}/settings?access_token=mine`, headers: { 'x-api-key': t.apiKey } });
    const inBody = await rawRequest(base, {
      method: 'POST',
      target: `/v24.0/${t.phoneNumberId}/settings`,
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'mine', method: 'delete' }),
    });
    for (const res of [inQuery, inBody]) {
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error).toMatchObject({ code: 100, type: 'OAuthException' });
    }
    expect(graph.calls).toEqual([]);
  });
});
