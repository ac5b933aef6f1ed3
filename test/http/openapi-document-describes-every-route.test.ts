import { channel } from 'node:diagnostics_channel';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

interface Operation {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Record<string, unknown>> } };

/** Every route the gateway registers, collected by an onRoute hook on the app as Fastify creates it. */
async function startGatewayCollectingRoutes(dialect: (typeof dialects)[number], env: Record<string, string> = {}) {
  const routes: RouteOptions[] = [];
  const created = channel('fastify.initialization');
  const collect = (message: unknown) => (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => void routes.push(route));
  created.subscribe(collect);
  try {
    return { gw: await startGateway(dialect, env), routes };
  } finally {
    created.unsubscribe(collect);
  }
}

/** The team inbox's pages (src/inbox/static-routes.ts): HTML for browsers, not API operations. */
const WEB_APP_PATHS = ['/', '/c/{conversationId}', '/search', '/favicon.svg'];

/** Method and `{param}` path of each route; a HEAD Fastify adds beside a GET is not a route of ours. */
function operationsOf(routes: readonly RouteOptions[]): Array<{ method: string; path: string; hidden: boolean }> {
  return routes
    .filter((route) => route.method !== 'HEAD')
    .flatMap((route) =>
      (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
        method: method.toLowerCase(),
        path: route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
        hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true,
      })),
    );
}

describe.each(dialects)('the OpenAPI document (%s)', (dialect) => {
  let gw: TestGateway;
  let routes: RouteOptions[];
  let doc: Document;
  beforeAll(async () => {
    ({ gw, routes } = await startGatewayCollectingRoutes(dialect));
    const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });
  afterAll(() => gw.close());

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('has every route the gateway registered, by method and path', () => {
    const missing = operationsOf(routes)
      .filter((op) => !op.hidden && doc.paths[op.path]?.[op.method] === undefined)
      .map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(missing).toEqual([]);
    expect(Object.values(doc.paths).flatMap((ops) => Object.keys(ops)).length).toBe(operationsOf(routes).filter((op) => !op.hidden).length);
  });

  it("hides only its own routes, the team inbox's internal API (docs/inbox-api.md) and its web app", () => {
    const hidden = operationsOf(routes).filter((op) => op.hidden);
    expect(hidden.length).toBeGreaterThan(0);
    const ownOrInbox = (path: string) => path === '/openapi.json' || path.startsWith('/docs') || path.startsWith('/inbox/') || WEB_APP_PATHS.includes(path) || path.startsWith('/assets/');
    for (const op of hidden) expect(ownOrInbox(op.path), op.path).toBe(true);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/inbox/'))).toEqual([]);
  });

  it('gives every operation a success answer and the error envelope', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        const success = Object.keys(op.responses).filter((status) => /^2/.test(status));
        expect(success, where).not.toEqual([]);
        // Only a 204 answers nothing.
        for (const status of success) if (status !== '204') expect(op.responses[status]?.content, where).toBeDefined();
        expect(op.responses['4XX']?.content?.['application/json']?.schema, where).toEqual({ $ref: '#/components/schemas/ErrorEnvelope' });
      }
    }
  });

  it('asks for the project key everywhere but the public routes and Meta webhooks', () => {
    const keyed = [{ apiKey: [] }, { bearerAuth: [] }];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (path === '/webhooks/whatsapp') expect(op.security).toEqual(method === 'post' ? [{ metaSignature: [] }] : []);
        else if (['/healthz', '/readyz', '/media/{id}'].includes(path)) expect(op.security).toEqual([]);
        else expect(op.security, `${method} ${path}`).toEqual(keyed);
      }
    }
  });

  it('has examples that match the schemas they illustrate', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema(doc, 'openapi.json');
    const checked: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      for (const example of (schema.examples as unknown[] | undefined) ?? []) {
        const validate = ajv.compile({ $ref: `openapi.json#/components/schemas/${name}` });
        expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        checked.push(name);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['ErrorEnvelope', 'Message', 'Conversation']));
  });

  it('serves Swagger UI at /docs from the package, with no asset from another origin', async () => {
    const page = await gw.app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      const res = await gw.app.inject({ method: 'GET', url: asset.startsWith('/') ? asset : `/docs/${asset}` });
      expect(res.statusCode, asset).toBe(200);
    }
    const initializer = await gw.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('validatorUrl: null');
  });
});

describe.each(dialects)('API_DOCS=off (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { API_DOCS: 'off' });
  });
  afterAll(() => gw.close());

  it.each(['/openapi.json', '/docs', '/docs/json'])('answers %s as an unknown path', async (url) => {
    const res = await gw.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ type: 'GraphMethodException', code: 100 });
  });
});
