import type { FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import { SESSION_TTL_MS } from '../tenants/member-sessions.ts';

/** The inbox's session cookie (docs/inbox-api.md "Conventions"). */
export const SESSION_COOKIE = 'switchboard_session';

/** HttpOnly (no script reads it), Lax (not sent on another site's POSTs), Secure behind https. */
function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: config.http.publicUrl.startsWith('https:') } as const;
}

/** Sets the session cookie for a fresh (or slid) session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  void reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(config), maxAge: SESSION_TTL_MS / 1000 });
}

/** Clears the session cookie (sign-out, or a cookie whose session is gone). */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}
