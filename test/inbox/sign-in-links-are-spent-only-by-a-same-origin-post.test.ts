import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLinkFor } from '../../src/tenants/users.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember, sessionCookieOf } from '../helpers/inbox-session.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
// inject() sends `Host: localhost:80`: this is the gateway's own origin as a browser sends it.
const SAME_ORIGIN = { ...FORM, origin: 'http://localhost' };

function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/**
 * A one-time sign-in link opens a page that spends nothing (mail scanners and link previewers
 * fetch links; another site can make a browser fetch one: login CSRF). Only the page's **Sign in**
 * button, a same-origin form POST to the link, spends it and starts the session.
 */
describe.each(dialects)('sign-in links are spent only by a same-origin POST (%s)', (dialect) => {
  let gw: TestGateway;
  let projectId = '';
  beforeAll(async () => {
    gw = await startGateway(dialect);
    ({ projectId } = await newProject(gw, 'acme'));
  });
  afterAll(() => gw.close());

  const linkPath = async (userId: string) => new URL(await signInLinkFor(gw.deps, userId)).pathname;
  const open = (path: string) => gw.app.inject({ method: 'GET', url: path });
  const confirm = (path: string, headers: Record<string, string> = SAME_ORIGIN, payload = '') => gw.app.inject({ method: 'POST', url: path, headers, payload });
  const getSession = (cookie: string) => gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { cookie } });

  /** Confirms like the page's button and reads the session it started; null when sent to ?sign_in=expired. */
  async function signedInAs(path: string): Promise<{ id: string } | null> {
    const res = await confirm(path);
    expect(res.statusCode).toBe(303);
    if (res.headers.location !== '/') return null;
    return (await getSession(sessionCookieOf(setCookies(res)) ?? '')).json().user;
  }

  it('opens a page naming the member and project with one Sign in form, and spends nothing', async () => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    for (const res of [await open(path), await open(path)]) {
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.body).toContain(`as <strong>${member.email}</strong>`);
      expect(res.body).toMatch(/to the project <strong>acme-[0-9a-f]{8}<\/strong>/);
      expect(res.body.match(/<form /g)).toHaveLength(1);
      expect(res.body).toContain(`<form method="post" action="${path}"><button type="submit">Sign in</button></form>`);
    }
    expect(await signedInAs(path)).toMatchObject({ id: member.id });
  });

  it('answers the page with no caching, no Referer beyond the origin, and no framing', async () => {
    const member = await addMember(gw, projectId);
    const res = await open(await linkPath(member.id));
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'strict-origin', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
    const policy = String(res.headers['content-security-policy']).split('; ');
    expect(policy).toEqual(expect.arrayContaining(["default-src 'none'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]));
    // The page's one inline style is allowed by its hash; no script at all.
    expect(policy.find((d) => d.startsWith('style-src'))).toMatch(/^style-src 'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(res.body).not.toContain('<script');
  });

  it('signs in on a same-origin POST, after which the link is spent', async () => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    const res = await confirm(path);
    expect([res.statusCode, res.headers.location, res.headers['cache-control'], res.headers['referrer-policy']]).toEqual([303, '/', 'no-store', 'no-referrer']);
    expect((await getSession(sessionCookieOf(setCookies(res)) ?? '')).json().user).toMatchObject({ id: member.id, project_id: projectId });
    const again = await confirm(path);
    expect([again.statusCode, again.headers.location, again.headers['set-cookie']]).toEqual([303, '/?sign_in=expired', undefined]);
    const page = await open(path);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This sign-in link has expired');
    expect(page.body).toContain('<a href="/">');
    expect(page.body).not.toContain('<form');
    expect(page.body).not.toContain(member.email);
  });

  it('signs in by a POST from PUBLIC_URL\'s origin, and by a POST with a form body or none', async () => {
    const a = await addMember(gw, projectId);
    const b = await addMember(gw, projectId);
    const c = await addMember(gw, projectId);
    expect((await confirm(await linkPath(a.id), { ...FORM, origin: new URL(gw.deps.config.http.publicUrl).origin })).headers.location).toBe('/');
    expect((await confirm(await linkPath(b.id), SAME_ORIGIN, 'ignored=1&also=2')).headers.location).toBe('/');
    expect((await gw.app.inject({ method: 'POST', url: await linkPath(c.id), headers: { origin: 'http://localhost' } })).headers.location).toBe('/');
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['an opaque origin (a sandboxed frame, a no-referrer page)', 'null'],
    ['the right host on another port', 'http://localhost:8080'],
  ])('refuses a POST from %s in the error envelope, and the link stays usable', async (_case, origin) => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    const res = await confirm(path, { ...FORM, origin });
    expect(res.statusCode).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json()).toEqual({
      error: { message: '(#10) Request refused', type: 'OAuthException', code: 10, error_data: { messaging_product: 'whatsapp', details: 'The request comes from another origin than this gateway.' }, fbtrace_id: expect.any(String) },
    });
    expect(await signedInAs(path)).toMatchObject({ id: member.id });
  });

  // isSameOrigin's rule: no Origin is not a browser's cross-site request (every browser sends
  // Origin on a form POST), so curl and scripts may sign in with a link, as with a password.
  it('signs in on a POST without Origin (curl, scripts)', async () => {
    const member = await addMember(gw, projectId);
    expect((await confirm(await linkPath(member.id), FORM)).headers.location).toBe('/');
  });

  it('answers a HEAD 404 without spending the link (link checkers send them)', async () => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    const head = await gw.app.inject({ method: 'HEAD', url: path });
    expect([head.statusCode, head.headers['set-cookie']]).toEqual([404, undefined]);
    expect(await signedInAs(path)).toMatchObject({ id: member.id });
  });

  it('shows the expired page for an unknown, expired or malformed token, and sends its POST to ?sign_in=expired', async () => {
    const member = await addMember(gw, projectId);
    const expired = await linkPath(member.id);
    gw.clock.advance(24 * 60 * 60 * 1000);
    for (const path of [expired, `/inbox/sign-in/${'x'.repeat(43)}`, '/inbox/sign-in/short']) {
      const page = await open(path);
      expect([page.statusCode, page.headers['cache-control'], page.headers['x-frame-options']]).toEqual([200, 'no-store', 'DENY']);
      expect(page.body).toContain('This sign-in link has expired');
      expect(page.body).not.toContain('<form');
      expect(await signedInAs(path)).toBeNull();
    }
  });

  it('escapes the email and project name it shows', async () => {
    const { projectId: hostile } = await newProject(gw, '<img src=x onerror=alert(1)>');
    const member = await addMember(gw, hostile, { email: `<script>alert(1)</script>-${hostile.slice(0, 8)}@x.test` });
    const res = await open(await linkPath(member.id));
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('<img');
    expect(res.body).toContain(`&lt;script&gt;alert(1)&lt;/script&gt;-${hostile.slice(0, 8)}@x.test`);
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
