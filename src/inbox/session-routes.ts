import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { endSession, signInWithPassword, type StartedSession } from '../tenants/member-sessions.ts';
import { normalizeEmail } from '../tenants/member-fields.ts';
import { inboxErrors } from './inbox-errors.ts';
import { presentSession } from './present-session.ts';
import { isSameOrigin } from './same-origin.ts';
import { clearSessionCookie, setSessionCookie } from './session-cookie.ts';
import { getSessionSchema, signInSchema } from './session-schemas.ts';
import { recordSignInSuccess, startSignInAttempt } from './sign-in-limiter.ts';

type SessionDeps = Pick<Deps, 'database' | 'clock' | 'config'>;

function sessionOf(started: StartedSession) {
  const { user, session, projectName } = started.live;
  return presentSession({ userId: user.id, email: user.email, role: user.role, projectId: user.project_id, projectName, csrfToken: session.csrf_token });
}

/**
 * Signing in with email and password without a session (docs/inbox-api.md "Signing in"), rate
 * limited per email and per client address across every process (sign-in-limiter.ts). One-time links: sign-in-link-routes.ts.
 */
export async function signInRoutes(app: FastifyInstance, deps: SessionDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/inbox/api/session', { schema: signInSchema }, async (request, reply) => {
    // No session yet, so no CSRF token: the Origin check alone keeps another site from signing
    // the browser in to its own account (login CSRF).
    if (!isSameOrigin(request, deps.config.http.publicUrl)) throw inboxErrors.csrfRefused('origin');
    const email = normalizeEmail(request.body.email);
    const attempt = await startSignInAttempt(deps, email, request.ip);
    if (!attempt.counted) throw inboxErrors.tooManySignInAttempts(attempt.retryAfterSeconds);
    const started = await signInWithPassword(deps, email, request.body.password);
    if (!started) throw inboxErrors.signInFailed();
    await recordSignInSuccess(deps, attempt.counted);
    setSessionCookie(reply, deps.config, started.token);
    return reply.header('cache-control', 'no-store').send(sessionOf(started));
  });
}

/** The signed-in member's own session: read it, or sign out. Registered in the protected scope. */
export async function memberSessionRoutes(app: FastifyInstance, deps: SessionDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/inbox/api/session', { schema: getSessionSchema }, async (request, reply) => {
    return reply.header('cache-control', 'no-store').send(presentSession(request.member));
  });

  r.delete('/inbox/api/session', async (request, reply) => {
    await endSession(deps, request.member.sessionId);
    clearSessionCookie(reply, deps.config);
    return reply.code(204).send();
  });
}
