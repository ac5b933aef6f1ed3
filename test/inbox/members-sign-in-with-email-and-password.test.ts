import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeMember, resetMember, signInLinkFor } from '../../src/tenants/users.ts';
import { dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember, sessionCookieOf, signIn, signedInMember } from '../helpers/inbox-session.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const envelope = (message: string, code: number) => ({ error: { message, type: 'OAuthException', code, error_data: expect.any(Object), fbtrace_id: expect.any(String) } });

function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

describe.each(dialects)('inbox members sign in (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect);
  });
  afterAll(() => gw.close());

  // Each test signs in from an address of its own: the per-address limit counts every failure.
  let address = 0;
  const from = () => `10.0.${dialect === 'sqlite' ? 1 : 2}.${++address}`;
  const post = (payload: unknown, remoteAddress = from(), headers: Record<string, string> = {}) =>
    gw.app.inject({ method: 'POST', url: '/inbox/api/session', payload: payload as object, remoteAddress, headers });
  const getSession = (cookie: string) => gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { cookie } });

  it('answers the Session and an HttpOnly, SameSite=Lax cookie for the right password', async () => {
    const { projectId } = await newProject(gw, 'acme');
    const member = await addMember(gw, projectId, { email: `Ada-${projectId.slice(0, 8)}@Example.test`, role: 'admin' });
    const res = await post({ email: member.email.toUpperCase(), password: member.password });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: member.id, email: member.email, role: 'admin', project_id: projectId, project_name: expect.stringMatching(/^acme-/) },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(member.email).toBe(member.email.toLowerCase());
    const [cookie] = setCookies(res);
    expect(cookie).toMatch(/^switchboard_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect((await getSession(sessionCookieOf(setCookies(res)) ?? '')).json()).toEqual(res.json());
  });

  it('answers a wrong password and an unknown email alike, without a cookie', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const wrong = await post({ email: member.email, password: 'not-the-password' });
    const unknown = await post({ email: `nobody-${projectId}@example.test`, password: member.password });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(envelope('Email or password is wrong', 190));
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect({ ...wrong.json().error, fbtrace_id: null }).toEqual({ ...unknown.json().error, fbtrace_id: null });
  });

  it('refuses a member without a password, who signs in by link only', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    await resetMember(gw.deps, member.email);
    expect((await post({ email: member.email, password: member.password })).statusCode).toBe(401);
  });

  it('refuses a missing session, and a cookie that names none', async () => {
    expect((await gw.app.inject({ method: 'GET', url: '/inbox/api/session' })).json()).toEqual(envelope('Not signed in', 190));
    for (const cookie of ['switchboard_session=', `switchboard_session=${'A'.repeat(43)}`, 'switchboard_session=../../etc']) {
      expect((await getSession(cookie)).statusCode).toBe(401);
    }
  });

  it('asks every state change for the CSRF token and refuses another origin', async () => {
    const { projectId } = await newProject(gw);
    const m = await signedInMember(gw, projectId);
    const signOut = (headers: Record<string, string>) => gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers });
    const refused = [
      await signOut({ cookie: m.cookie }),
      await signOut({ cookie: m.cookie, 'x-csrf-token': `${m.csrfToken.slice(0, -1)}x` }),
      await signOut(m.headers({ origin: 'https://evil.example' })),
      await signOut(m.headers({ origin: 'null' })),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 10, type: 'OAuthException' } });
    }
    expect((await getSession(m.cookie)).statusCode).toBe(200);
    // A sign-in posted by another site's page is refused too (it would sign the browser in as the attacker).
    expect((await post({ email: m.email, password: m.password }, from(), { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await signOut(m.headers({ origin: 'http://localhost:80' }))).statusCode).toBe(204);
  });

  it('signs out: the session is revoked and the old cookie answers 401', async () => {
    const { projectId } = await newProject(gw);
    const m = await signedInMember(gw, projectId);
    const res = await gw.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: m.headers() });
    expect(res.statusCode).toBe(204);
    expect(setCookies(res)[0]).toMatch(/^switchboard_session=; Max-Age=0; Path=\/; .*HttpOnly; SameSite=Lax|^switchboard_session=; .*Expires=Thu, 01 Jan 1970/);
    expect((await getSession(m.cookie)).statusCode).toBe(401);
  });

  it('limits failed sign-ins per email, answering 429 with Retry-After, then lets the member in again', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    for (let i = 0; i < 5; i++) expect((await post({ email: member.email, password: `wrong-${i}` })).statusCode).toBe(401);
    // Even the right password, from another address: the email is locked for the window.
    const limited = await post({ email: member.email, password: member.password });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual(envelope('(#4) Too many sign-in attempts', 4));
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    gw.clock.advance(Number(limited.headers['retry-after']) * 1000);
    expect((await post({ email: member.email, password: member.password })).statusCode).toBe(200);
  });

  it('limits failed sign-ins per client address, whatever the email', async () => {
    const address = from();
    const { projectId } = await newProject(gw);
    // Known emails (their cheap test hashes keep this fast); 5 failures each stays under the per-email limit.
    const guessed = await Promise.all(Array.from({ length: 6 }, () => addMember(gw, projectId)));
    for (const { email } of guessed) for (let i = 0; i < 5; i++) expect((await post({ email, password: `guess-${i}` }, address)).statusCode).toBe(401);
    const member = await addMember(gw, projectId);
    const limited = await post({ email: member.email, password: member.password }, address);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await post({ email: member.email, password: member.password }, from())).statusCode).toBe(200);
  });

  it('keeps a session 30 days from its last use, sliding, and ends it after', async () => {
    const { projectId } = await newProject(gw);
    const m = await signedInMember(gw, projectId);
    gw.clock.advance(29 * DAY_MS);
    const used = await getSession(m.cookie);
    expect(used.statusCode).toBe(200);
    // The expiry slid: the browser gets the cookie again with a fresh Max-Age.
    expect(setCookies(used)[0]).toMatch(/^switchboard_session=.*Max-Age=2592000/);
    gw.clock.advance(29 * DAY_MS);
    expect((await getSession(m.cookie)).statusCode).toBe(200);
    // Used again within the hour: no write, no cookie.
    expect((await getSession(m.cookie)).headers['set-cookie']).toBeUndefined();
    gw.clock.advance(30 * DAY_MS + 1);
    expect((await getSession(m.cookie)).json()).toEqual(envelope('Not signed in', 190));
  });

  it('ends the sessions of a removed member and of a member whose password is reset', async () => {
    const { projectId } = await newProject(gw);
    const removed = await signedInMember(gw, projectId);
    const reset = await signedInMember(gw, projectId);
    await removeMember(gw.deps, removed.email);
    await resetMember(gw.deps, reset.id, 'a-brand-new-password');
    expect((await getSession(removed.cookie)).statusCode).toBe(401);
    expect((await getSession(reset.cookie)).statusCode).toBe(401);
    expect((await post({ email: removed.email, password: removed.password })).statusCode).toBe(401);
    expect((await post({ email: reset.email, password: 'a-brand-new-password' })).statusCode).toBe(200);
  });

  it('signs in once by a one-time link confirmed by a POST, then sends the link to ?sign_in=expired', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const path = new URL(await signInLinkFor(gw.deps, member.id)).pathname;
    expect((await gw.app.inject({ method: 'GET', url: path })).body).toContain('<button type="submit">Sign in</button>');
    const first = await gw.app.inject({ method: 'POST', url: path });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = sessionCookieOf(setCookies(first)) ?? '';
    expect((await getSession(cookie)).json()).toMatchObject({ user: { id: member.id, project_id: projectId } });
    const again = await gw.app.inject({ method: 'POST', url: path });
    expect([again.statusCode, again.headers.location, again.headers['set-cookie']]).toEqual([303, '/?sign_in=expired', undefined]);
    expect((await gw.app.inject({ method: 'POST', url: `/inbox/sign-in/${'x'.repeat(43)}` })).headers.location).toBe('/?sign_in=expired');
  });

  it('lets a link expire after 24 hours', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const path = new URL(await signInLinkFor(gw.deps, member.id)).pathname;
    gw.clock.advance(DAY_MS);
    expect((await gw.app.inject({ method: 'GET', url: path })).body).toContain('This sign-in link has expired');
    expect((await gw.app.inject({ method: 'POST', url: path })).headers.location).toBe('/?sign_in=expired');
  });

  it("shows each member their own project only", async () => {
    const a = await newProject(gw, 'project-a');
    const b = await newProject(gw, 'project-b');
    const inA = await signedInMember(gw, a.projectId);
    const inB = await signedInMember(gw, b.projectId);
    expect((await getSession(inA.cookie)).json().user).toMatchObject({ project_id: a.projectId, project_name: expect.stringMatching(/^project-a-/) });
    expect((await getSession(inB.cookie)).json().user).toMatchObject({ project_id: b.projectId, project_name: expect.stringMatching(/^project-b-/) });
  });

  it('signs in over a real HTTP connection as a browser would', async () => {
    const url = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const session = await signIn(url, member.email, member.password);
    const res = await fetch(`${url}/inbox/api/session`, { headers: session.headers() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { id: member.id }, csrf_token: session.csrfToken });
  });

  it('never accepts an API key in place of a session', async () => {
    const { apiKey } = await newProject(gw);
    expect((await gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { 'x-api-key': apiKey } })).statusCode).toBe(401);
  });
});

describe.each(dialects)('inbox session cookie behind https (%s)', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway(dialect, { PUBLIC_URL: 'https://inbox.example.com' });
  });
  afterAll(() => gw.close());

  it('is Secure, and a request from PUBLIC_URL\'s origin passes the origin check', async () => {
    const { projectId } = await newProject(gw);
    const member = await addMember(gw, projectId);
    const res = await gw.app.inject({ method: 'POST', url: '/inbox/api/session', payload: { email: member.email, password: member.password }, headers: { origin: 'https://inbox.example.com' } });
    expect(res.statusCode).toBe(200);
    expect(setCookies(res)[0]).toMatch(/; Secure(;|$)/);
    expect(new URL(await signInLinkFor(gw.deps, member.id)).origin).toBe('https://inbox.example.com');
  });
});
