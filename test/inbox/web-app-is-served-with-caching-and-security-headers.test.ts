import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../../src/http/error-handler.ts';
import { inboxStaticRoutes, WEB_DIST_DIR } from '../../src/inbox/static-routes.ts';
import { dialects } from '../helpers/dialects.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

/**
 * The team inbox is served by the gateway at `/` (docs/inbox.md): its screens answer index.html,
 * revalidated on every load, under a self-only Content-Security-Policy; its hashed assets are
 * cached for a year; the API's paths keep their own answers, unknown ones the Meta envelope.
 * `npm test` builds web/dist before the suite runs.
 */
const indexHtml = () => readFileSync(join(WEB_DIST_DIR, 'index.html'), 'utf8');
const assetPaths = () => [...indexHtml().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);

describe.each(dialects)('the team inbox web app (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw?.close());

  it.each(['/', '/?sign_in=expired', '/c/5f0c8a0e-0000-4000-8000-000000000000', '/search?q=refund'])('answers index.html for the screen %s, revalidated on every load', async (url) => {
    const res = await gw.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(indexHtml());
    expect(res.body).toContain('<div id="root">');
  });

  it('puts a self-only Content-Security-Policy and the other security headers on the HTML', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it('ships no inline script: every script of index.html is a file under /assets/', () => {
    const html = indexHtml();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src="\/assets\//);
      expect(body?.trim()).toBe('');
    }
  });

  it('serves the hashed assets cached for a year, compressed when the browser accepts it', async () => {
    const paths = assetPaths();
    expect(paths.some((p) => p.endsWith('.js'))).toBe(true);
    for (const url of paths) {
      const res = await gw.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-encoding']).toBe('br');
      expect(res.headers['content-type']).toMatch(url.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    const plain = await gw.app.inject({ method: 'GET', url: paths[0] ?? '' });
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers an unknown asset with the 404 envelope, not index.html', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/assets/index-doesnotexist.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { type: 'GraphMethodException' } });
  });

  it.each(['/v24.0/123456/nothing-here', '/inbox/api/nothing-here', '/webhooks/nothing', '/c/1/extra', '/.env'])('keeps the API envelope 404 for the unknown path %s', async (url) => {
    const res = await gw.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json().error).toMatchObject({ fbtrace_id: expect.any(String) });
  });

  it('leaves the API routes their answers', async () => {
    expect((await gw.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const unauthenticated = await gw.app.inject({ method: 'GET', url: '/v24.0/123456/messages' });
    expect(unauthenticated.statusCode).toBe(401);
    expect(unauthenticated.headers['content-type']).toMatch(/^application\/json/);
  });
});

describe('the team inbox without a build', () => {
  const empty = mkdtempSync(join(tmpdir(), 'switchboard-no-web-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('answers its screens 503 saying to run npm run build, and the API stays served', async () => {
    const app = Fastify();
    installErrorHandler(app);
    await app.register(async (scope) => inboxStaticRoutes(scope, { publicUrl: 'http://127.0.0.1:3000', webDir: `${empty}/` }));
    app.get('/healthz', async () => ({ status: 'ok' }));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('npm run build');
    expect((await app.inject({ method: 'GET', url: '/assets/index.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.close();
  });
});
