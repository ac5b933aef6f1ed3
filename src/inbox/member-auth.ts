import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { UserRole } from '../db/schema.ts';
import { findSession } from '../tenants/member-sessions.ts';
import { inboxErrors } from './inbox-errors.ts';
import { isSameOrigin } from './same-origin.ts';
import { sessionTokenOf, setSessionCookie } from './session-cookie.ts';

/** The signed-in member of an inbox request. */
export interface Member {
  userId: string;
  projectId: string;
  projectName: string;
  email: string;
  role: UserRole;
  /** The session's id (the hash of its cookie token), for sign-out. */
  sessionId: string;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, set by installMemberAuth's hook on every route of its scope. */
    member: Member;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Authenticates every route of `scope` by the session cookie (docs/inbox-api.md "Conventions"): a
 * missing, expired or revoked session, or one whose member was removed, answers 401 code 190; a
 * state change without the session's X-CSRF-Token, or from another origin, answers 403 code 10.
 * The session is read from the store on every request (one primary-key join), so a removal or a
 * reset takes effect at once, in every process.
 */
export function installMemberAuth(scope: FastifyInstance, deps: Pick<Deps, 'database' | 'clock' | 'config'>): void {
  scope.decorateRequest('member', null as unknown as Member);
  scope.addHook('onRequest', async (request, reply) => {
    const safe = SAFE_METHODS.has(request.method);
    if (!safe && !isSameOrigin(request, deps.config.http.publicUrl)) throw inboxErrors.csrfRefused('origin');
    const token = sessionTokenOf(request.cookies, deps.config);
    const found = token ? await findSession(deps, token) : undefined;
    if (!found) throw inboxErrors.notSignedIn();
    if (!safe && !tokensEqual(request.headers['x-csrf-token'], found.session.csrf_token)) throw inboxErrors.csrfRefused('token');
    // The expiry slid: the browser's cookie gets the new Max-Age too.
    if (found.refreshed && token) setSessionCookie(reply, deps.config, token);
    request.member = {
      userId: found.user.id,
      projectId: found.user.project_id,
      projectName: found.projectName,
      email: found.user.email,
      role: found.user.role,
      sessionId: found.session.id,
      csrfToken: found.session.csrf_token,
    };
  });
}

function tokensEqual(given: FastifyRequest['headers'][string], expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
