import { randomUUID } from 'node:crypto';
import type { Deps } from '../../src/deps.ts';
import { hashPassword } from '../../src/crypto/password-hash.ts';
import { addMember as addProjectMember } from '../../src/tenants/users.ts';
import { setPasswordHash } from '../../src/tenants/users-store.ts';
import type { TestGateway } from './harness.ts';

/** A member a test added, with the password it can sign in with. */
export interface TestMember {
  id: string;
  email: string;
  role: 'admin' | 'agent';
  projectId: string;
  password: string;
}

/** A signed-in browser: the cookie to send, the CSRF token, and headers carrying both. */
export interface InboxSession {
  cookie: string;
  csrfToken: string;
  /** The `Session` body the sign-in answered (docs/inbox-api.md). */
  session: { user: { id: string; email: string; role: string; project_id: string; project_name: string }; csrf_token: string };
  /** `cookie` and `x-csrf-token` headers, plus any given. */
  headers(extra?: Record<string, string>): Record<string, string>;
}

/**
 * scrypt at a test's cost (1 MiB, a few ms): at the real cost each sign-in takes a third of a second
 * on a busy test machine. The stored hash names its cost, so sign-in verifies it as it would any.
 */
const TEST_COST = { N: 2 ** 10, r: 8, p: 1 };

/**
 * Adds a member to a project through the tenants' own code, with a password hashed at the test
 * cost. The email is unique per call unless given (emails are unique over the deployment, and
 * PostgreSQL tests share one schema).
 */
export async function addMember(
  target: TestGateway | Deps,
  projectId: string,
  opts: { email?: string; password?: string; role?: 'admin' | 'agent' } = {},
): Promise<TestMember> {
  const deps = 'deps' in target ? target.deps : target;
  const email = opts.email ?? `member-${randomUUID().slice(0, 12)}@example.test`;
  const password = opts.password ?? `pw-${randomUUID()}`;
  const member = await addProjectMember(deps, { projectId, email, role: opts.role ?? 'agent' });
  await setPasswordHash(deps.database.db, member.id, await hashPassword(password, TEST_COST), deps.clock.now());
  return { id: member.id, email: member.email, role: member.role, projectId, password };
}

/**
 * Signs in with email and password through `POST /inbox/api/session`, on a TestGateway (inject) or
 * a listening gateway's base URL (fetch). Fails the test unless the sign-in answers 200.
 */
export async function signIn(target: TestGateway | string, email: string, password: string): Promise<InboxSession> {
  const payload = { email, password };
  let status: number;
  let setCookie: string[];
  let body: unknown;
  if (typeof target === 'string') {
    const res = await fetch(`${target.replace(/\/+$/, '')}/inbox/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    status = res.status;
    setCookie = res.headers.getSetCookie();
    body = await res.json();
  } else {
    const res = await target.app.inject({ method: 'POST', url: '/inbox/api/session', payload });
    status = res.statusCode;
    const header = res.headers['set-cookie'];
    setCookie = header === undefined ? [] : Array.isArray(header) ? header : [header];
    body = res.json();
  }
  if (status !== 200) throw new Error(`sign-in as ${email} answered ${status}: ${JSON.stringify(body)}`);
  const cookie = sessionCookieOf(setCookie);
  if (!cookie) throw new Error(`sign-in as ${email} set no session cookie`);
  const session = body as InboxSession['session'];
  return { cookie, csrfToken: session.csrf_token, session, headers: (extra = {}) => ({ cookie, 'x-csrf-token': session.csrf_token, ...extra }) };
}

/** Adds a member to the project and signs them in: what most inbox tests start from. */
export async function signedInMember(gw: TestGateway, projectId: string, opts: { role?: 'admin' | 'agent' } = {}): Promise<TestMember & InboxSession> {
  const member = await addMember(gw, projectId, opts);
  return { ...member, ...(await signIn(gw, member.email, member.password)) };
}

/**
 * `switchboard_session=TOKEN` (`__Host-switchboard_session=TOKEN` behind an https PUBLIC_URL) from
 * Set-Cookie headers, ready for a Cookie header; null when absent or cleared.
 */
export function sessionCookieOf(setCookie: readonly string[]): string | null {
  const line = setCookie.find((c) => /^(__Host-)?switchboard_session=/.test(c));
  const pair = line?.split(';')[0];
  return pair && !pair.endsWith('=') ? pair : null;
}
