import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLinkFor } from '../../src/tenants/users.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember, sessionCookieOf, signedInMember } from '../helpers/inbox-session.ts';

function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

describe.each(dialects)('inbox sessions withstand hostile sign-ins (%s)', (dialect) => {
  let gw: TestGateway;
  let projectId = '';
  beforeAll(async () => {
    gw = await startGateway(dialect);
    ({ projectId } = await newProject(gw));
  });
  afterAll(() => gw.close());

  let address = 0;
  const from = () => `10.7.${dialect === 'sqlite' ? 1 : 2}.${++address}`;
  const post = (payload: object, remoteAddress = from(), headers: Record<string, string> = {}) =>
    gw.app.inject({ method: 'POST', url: '/inbox/api/session', payload, remoteAddress, headers });
  const getSession = (cookie: string) => gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { cookie } });
  const linkPath = async (userId: string) => new URL(await signInLinkFor(gw.deps, userId)).pathname;

  it('counts guesses sent all at once: no more than 5 reach the password check', async () => {
    const member = await addMember(gw, projectId);
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => post({ email: member.email, password: `guess-${i}` })));
    const statuses = guesses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expect((await post({ email: member.email, password: member.password })).statusCode).toBe(429);
  });

  it('does not count a successful sign-in against its address', async () => {
    const office = from();
    const members = await Promise.all(Array.from({ length: 31 }, () => addMember(gw, projectId)));
    for (const m of members) expect((await post({ email: m.email, password: m.password }, office)).statusCode).toBe(200);
  });

  it('never turns a cookie the browser had before signing in into the session (fixation)', async () => {
    const member = await addMember(gw, projectId);
    const planted = `switchboard_session=${'A'.repeat(43)}`;
    const res = await post({ email: member.email, password: member.password }, from(), { cookie: planted });
    expect(res.statusCode).toBe(200);
    const issued = sessionCookieOf(setCookies(res));
    expect(issued).not.toBe(planted);
    expect((await getSession(planted)).statusCode).toBe(401);
    expect((await getSession(issued ?? '')).statusCode).toBe(200);
    // The same through a sign-in link.
    const link = await gw.app.inject({ method: 'POST', url: await linkPath(member.id), headers: { cookie: planted } });
    expect(sessionCookieOf(setCookies(link))).not.toBe(planted);
    expect((await getSession(planted)).statusCode).toBe(401);
  });

  it('keeps sign-in link tokens and session tokens apart: neither works as the other', async () => {
    const member = await signedInMember(gw, projectId);
    const token = (await linkPath(member.id)).split('/').pop() ?? '';
    expect((await getSession(`switchboard_session=${token}`)).statusCode).toBe(401);
    const sessionToken = member.cookie.split('=')[1] ?? '';
    const asLink = await gw.app.inject({ method: 'POST', url: `/inbox/sign-in/${sessionToken}` });
    expect([asLink.headers.location, asLink.headers['set-cookie']]).toEqual(['/?sign_in=expired', undefined]);
    // The link was not spent by either attempt.
    expect((await gw.app.inject({ method: 'POST', url: `/inbox/sign-in/${token}` })).headers.location).toBe('/');
  });

  it.each([
    ['a token of another length', 'A'.repeat(42)],
    ['a token with other characters', `${'A'.repeat(42)}=`],
    ['a token far too long', 'A'.repeat(100)],
    ['an encoded path separator', `..%2F${'A'.repeat(40)}`],
  ])('shows %s the expired page and sends its POST to ?sign_in=expired, without a cookie', async (_case, token) => {
    const page = await gw.app.inject({ method: 'GET', url: `/inbox/sign-in/${token}` });
    expect([page.statusCode, page.body.includes('This sign-in link has expired'), page.headers['set-cookie']]).toEqual([200, true, undefined]);
    const res = await gw.app.inject({ method: 'POST', url: `/inbox/sign-in/${token}` });
    expect([res.statusCode, res.headers.location, res.headers['set-cookie']]).toEqual([303, '/?sign_in=expired', undefined]);
  });

  it('never spends a sign-in link on a HEAD request (link checkers send them)', async () => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    const head = await gw.app.inject({ method: 'HEAD', url: path });
    expect(head.headers['set-cookie']).toBeUndefined();
    const signIn = await gw.app.inject({ method: 'POST', url: path });
    expect(signIn.headers.location).toBe('/');
    expect(sessionCookieOf(setCookies(signIn))).not.toBeNull();
  });

  it('neither signs in nor spends a link whose path is spelled in another case or with a trailing slash', async () => {
    const member = await addMember(gw, projectId);
    const path = await linkPath(member.id);
    for (const url of [path.toUpperCase().replace(path.split('/').pop()?.toUpperCase() ?? '', path.split('/').pop() ?? ''), `${path}/`, path.replace('/inbox/', '/Inbox/')]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await gw.app.inject({ method, url });
        expect([method, url, res.statusCode, res.headers['set-cookie']]).toEqual([method, url, 404, undefined]);
      }
    }
    expect((await gw.app.inject({ method: 'POST', url: path })).headers.location).toBe('/');
  });

  it("refuses another session's CSRF token, even the same member's", async () => {
    const member = await addMember(gw, projectId);
    const first = await post({ email: member.email, password: member.password });
    const second = await post({ email: member.email, password: member.password });
    const firstCookie = sessionCookieOf(setCookies(first)) ?? '';
    const res = await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: { cookie: firstCookie, 'x-csrf-token': second.json().csrf_token } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe(10);
    expect((await getSession(firstCookie)).statusCode).toBe(200);
  });

  it.each([
    ['the null origin of a sandboxed page', 'null'],
    ['a look-alike host', 'http://localhost:3000.evil.test'],
    ['another port', 'http://localhost:1'],
    ['garbage', '::::'],
  ])('refuses a state change from %s even with the right token', async (_case, origin) => {
    const member = await signedInMember(gw, projectId);
    const res = await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: member.headers({ origin }) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe(10);
    expect((await getSession(member.cookie)).statusCode).toBe(200);
    expect((await post({ email: member.email, password: member.password }, from(), { origin })).statusCode).toBe(403);
  });

  it.each([
    ['text/plain', '{"email":"x@example.test","password":"a-password-1"}'],
    ['application/x-www-form-urlencoded', 'email=x%40example.test&password=a-password-1'],
    ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@example.test\r\n--b--\r\n'],
  ])('refuses a sign-in or a change sent as %s (what a cross-site form can send)', async (type, payload) => {
    const member = await signedInMember(gw, projectId);
    const signIn = await post(payload as unknown as object, from(), { 'content-type': type });
    expect(signIn.statusCode).toBeGreaterThanOrEqual(400);
    expect(signIn.statusCode).toBeLessThan(500);
    expect(signIn.headers['set-cookie']).toBeUndefined();
    // With the cookie a form would carry (no CSRF header): refused before anything reads the body.
    const change = await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: { cookie: member.cookie, 'content-type': type }, payload });
    expect(change.statusCode).toBe(403);
    expect((await getSession(member.cookie)).statusCode).toBe(200);
  });

  it.each(['OPTIONS', 'PUT', 'PROPFIND'] as const)('answers %s on inbox routes as an unknown route, changing nothing', async (method) => {
    const member = await signedInMember(gw, projectId);
    for (const url of ['/inbox/api/session', '/inbox/api/conversations', '/inbox/sign-in/x']) {
      const res = await gw.app.inject({ method: method as 'OPTIONS', url, headers: member.headers({ origin: 'https://evil.test', 'access-control-request-method': 'DELETE' }) });
      expect(res.statusCode).toBe(404);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
    expect((await getSession(member.cookie)).statusCode).toBe(200);
  });

  it('answers HEAD on a route that only writes as an unknown route', async () => {
    const member = await signedInMember(gw, projectId);
    const res = await gw.app.inject({ method: 'HEAD', url: '/inbox/api/conversations/00000000-0000-4000-8000-000000000000/read', headers: { cookie: member.cookie } });
    expect(res.statusCode).toBe(404);
  });
});
