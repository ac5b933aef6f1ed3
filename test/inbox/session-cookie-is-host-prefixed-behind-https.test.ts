import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInLinkFor } from '../../src/tenants/users.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';
import { newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { addMember } from '../helpers/inbox-session.ts';

function setCookies(res: LightMyRequestResponse): string[] {
  const header = res.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

const tokenOf = (setCookie: string | undefined) => /^[^=]+=([^;]*)/.exec(setCookie ?? '')?.[1] ?? '';

/**
 * Behind https the session cookie is `__Host-switchboard_session` (docs/inbox-api.md
 * "Conventions"): browsers accept it only Secure, on Path=/, without a Domain and from this host,
 * so a sibling subdomain cannot plant one; and a plain `switchboard_session` it could plant is
 * never read. Over http, where browsers refuse `__Host-` cookies, the plain name stays. Both
 * gateways share one database, so a session started on one is valid on the other.
 */
describe.each(dialects)('the session cookie is __Host- prefixed behind https (%s)', (dialect) => {
  let secure: TestGateway;
  let plain: TestGateway;
  let projectId = '';
  beforeAll(async () => {
    const url = databaseUrlFor(dialect, 'host-cookie');
    secure = await startGateway(dialect, { DATABASE_URL: url, PUBLIC_URL: 'https://inbox.example.test' });
    plain = await startGateway(dialect, { DATABASE_URL: url, PUBLIC_URL: 'http://localhost:3000' });
    ({ projectId } = await newProject(secure));
  });
  afterAll(() => Promise.all([secure.close(), plain.close()]));

  let address = 0;
  const signIn = async (gw: TestGateway) => {
    const member = await addMember(gw, projectId);
    const res = await gw.app.inject({ method: 'POST', url: '/inbox/api/session', payload: { email: member.email, password: member.password }, remoteAddress: `10.43.0.${++address}` });
    expect(res.statusCode).toBe(200);
    return { res, csrfToken: res.json().csrf_token as string, token: tokenOf(setCookies(res)[0]) };
  };
  const getSession = (gw: TestGateway, cookie: string) => gw.app.inject({ method: 'GET', url: '/inbox/api/session', headers: { cookie } });

  it('sets __Host-switchboard_session, Secure, on Path=/ and without a Domain', async () => {
    const { res, token } = await signIn(secure);
    const [cookie] = setCookies(res);
    expect(cookie).toMatch(/^__Host-switchboard_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(cookie).not.toMatch(/domain=/i);
    expect((await getSession(secure, `__Host-switchboard_session=${token}`)).statusCode).toBe(200);
  });

  it('ignores a plain switchboard_session cookie, even one carrying a valid session', async () => {
    const { token } = await signIn(secure);
    const res = await getSession(secure, `switchboard_session=${token}`);
    expect([res.statusCode, res.json().error.code]).toEqual([401, 190]);
    // The same token is a live session: read under the name this deployment uses, it signs in.
    expect((await getSession(plain, `switchboard_session=${token}`)).statusCode).toBe(200);
  });

  it('clears the __Host- cookie on sign-out with the attributes it was set with', async () => {
    const { token, csrfToken } = await signIn(secure);
    const res = await secure.app.inject({ method: 'DELETE', url: '/inbox/api/session', headers: { cookie: `__Host-switchboard_session=${token}`, 'x-csrf-token': csrfToken } });
    expect(res.statusCode).toBe(204);
    const [cleared] = setCookies(res);
    expect(cleared).toMatch(/^__Host-switchboard_session=; Max-Age=0; Path=\/; .*HttpOnly; Secure; SameSite=Lax$/);
    expect(cleared).not.toMatch(/domain=/i);
  });

  it('signs in by a one-time link under the __Host- name too', async () => {
    const member = await addMember(secure, projectId);
    const link = new URL(await signInLinkFor(secure.deps, member.id));
    const res = await secure.app.inject({ method: 'POST', url: link.pathname });
    expect(setCookies(res)[0]).toMatch(/^__Host-switchboard_session=[A-Za-z0-9_-]{43}; .*Secure/);
  });

  it('keeps the plain name over http, and does not read a __Host- one there', async () => {
    const { res, token } = await signIn(plain);
    expect(setCookies(res)[0]).toMatch(/^switchboard_session=[A-Za-z0-9_-]{43}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect((await getSession(plain, `switchboard_session=${token}`)).statusCode).toBe(200);
    expect((await getSession(plain, `__Host-switchboard_session=${token}`)).statusCode).toBe(401);
  });
});
