import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { postWebhook } from '../helpers/factories.ts';
import { expectNoServerErrorAndEnvelope, fuzzOptions, hostileString, hostileValue, percentEncode, routesOf, storedFingerprint, urlPiece } from '../helpers/hostile.ts';
import { messagesWebhook, textMessage } from '../helpers/webhooks.ts';
import { startGatewayWithSimulator, type GatewayAndSimulator } from '../helpers/with-simulator.ts';

/** Names the API reads from queries and bodies: hostile values go under the names that reach queries. */
const FIELDS = [
  'limit', 'after', 'before', 'fields', 'phone_number_id', 'conversation_id', 'direction', 'status', 'wa_id', 'per_page', 'page',
  'messaging_product', 'to', 'type', 'text', 'body', 'preview_url', 'recipient_type', 'context', 'message_id', 'biz_opaque_callback_data',
  'template', 'image', 'interactive', 'reaction', 'typing_indicator', 'metadata', 'profile_name', 'display_name', 'url', 'secret_key',
  'events', 'active', 'buffer_enabled', 'buffer_window_seconds', 'max_buffer_size', 'inactivity_minutes', 'payload_version', 'kind',
  'delivery_ids', 'webhook_id', 'event', 'since', 'until', 'url_contains', 'response_status', 'customer_id', 'period', 'last_message_at',
  'business_account_id', 'hsm_id', 'name', 'categories', 'flow_json', 'publish', 'endpoint_uri', 'components', 'category', 'flow_action',
];

/**
 * Every API route (read from the app's route tree), with hostile path segments, queries and
 * bodies: never a 5xx, every refusal in Meta's envelope, and nothing stored by a refused request.
 */
describe.each(dialects)('hostile input to every API route (%s)', (dialect) => {
  let env: GatewayAndSimulator;
  let valid: Record<string, string[]>;
  let apiKey: string;
  beforeAll(async () => {
    env = await startGatewayWithSimulator(dialect, {}, {}, { isolated: true });
    const t = await env.newTenant();
    apiKey = t.apiKey;
    await postWebhook(env.gw, messagesWebhook(t.phoneNumberId, [textMessage('wamid.FUZZ1', 'hello')]), t.appSecret);
    const conversation = await env.gw.deps.database.db.selectFrom('conversations').select('id').where('phone_number_id', '=', t.phoneNumberId).executeTakeFirstOrThrow();
    valid = {
      version: ['v24.0', 'v99.9'],
      phoneNumberId: [t.phoneNumberId],
      id: [t.phoneNumberId, t.wabaId],
      messageId: ['wamid.FUZZ1'],
      conversationId: [conversation.id],
      waId: ['14155550123'],
      templateId: ['1234'],
      phone_number_id: [t.phoneNumberId],
      webhook_id: [],
      delivery_id: [],
    };
  });
  afterAll(() => env.close());

  const request = (routes: Array<{ method: string; path: string }>) =>
    fc.record({
      route: fc.constantFrom(...routes),
      segments: fc.dictionary(fc.constantFrom(...Object.keys(valid)), fc.nat()),
      hostileSegments: fc.array(fc.nat(), { maxLength: 2 }),
      query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), hostileString), fc.oneof(hostileString, fc.constantFrom('1', '100', '0', '-5', 'abc'))), { maxLength: 4 }),
      // A repeated key arrives as an array where a string is expected.
      repeated: fc.option(fc.tuple(fc.constantFrom(...FIELDS), hostileString, hostileString), { nil: undefined }),
      body: fc.oneof(
        fc.constant(undefined),
        fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 5 }),
        hostileValue,
        fc.record({ messaging_product: fc.constant('whatsapp'), to: hostileValue, type: fc.constantFrom('text', 'image', 'template', 'reaction'), text: hostileValue, template: hostileValue }),
      ),
      rawBody: fc.option(fc.tuple(fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=zz', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'), hostileString), { nil: undefined }),
      withKey: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    });

  type Request = ReturnType<typeof request> extends fc.Arbitrary<infer T> ? T : never;
  const toInject = (r: Request, pieces: (name: string, n: number) => string): InjectOptions => {
    let index = 0;
    const path = r.route.path.replace(/:([A-Za-z_]+)/g, (_m: string, name: string) => pieces(name, index++));
    const pairs: Array<[string, string]> = [...r.query, ...(r.repeated ? ([[r.repeated[0], r.repeated[1]], [r.repeated[0], r.repeated[2]]] as Array<[string, string]>) : [])];
    const query = pairs.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
    const headers: Record<string, string> = r.withKey ? { 'x-api-key': apiKey } : {};
    const withBody = r.route.method !== 'GET' && r.route.method !== 'DELETE';
    if (withBody && r.rawBody) {
      headers['content-type'] = r.rawBody[0];
      return { method: r.route.method as InjectOptions['method'], url: `${path}${query ? `?${query}` : ''}`, headers, payload: r.rawBody[1] };
    }
    if (withBody && r.body !== undefined) headers['content-type'] = 'application/json';
    return { method: r.route.method as InjectOptions['method'], url: `${path}${query ? `?${query}` : ''}`, headers, ...(withBody && r.body !== undefined ? { payload: JSON.stringify(r.body) } : {}) };
  };

  it('never answers 5xx, always answers errors in the envelope, and refusals store nothing', async () => {
    const routes = routesOf(env.gw.app).filter((r) => r.path !== '/webhooks/whatsapp');
    expect(routes.length).toBeGreaterThan(30);
    const statuses: Record<number, number> = {};
    const hostilePieces = await Promise.resolve(fc.sample(urlPiece([]), { seed: 16, numRuns: 50 }));
    await fc.assert(
      fc.asyncProperty(request(routes), async (r) => {
        const options = toInject(r, (name, n) => {
          if (r.hostileSegments.includes(n)) return hostilePieces[(n * 7 + name.length) % hostilePieces.length] ?? 'x';
          const candidates = valid[name] ?? [];
          return candidates.length > 0 ? (candidates[(r.segments[name] ?? 0) % candidates.length] ?? 'x') : 'x';
        });
        const before = await storedFingerprint(env.gw);
        const res = await env.gw.app.inject(options);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        const what = `${options.method} ${options.url} ${String(options.payload ?? '').slice(0, 200)}`;
        expectNoServerErrorAndEnvelope(res, what);
        if (res.statusCode >= 400) expect(await storedFingerprint(env.gw), what).toBe(before);
      }),
      fuzzOptions(150),
    );
    // Most requests must get past authentication to reach anything worth attacking.
    expect((statuses[401] ?? 0) / Object.values(statuses).reduce((a, b) => a + b, 0)).toBeLessThan(0.5);
  }, 120_000);
});
