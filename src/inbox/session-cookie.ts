import type { FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import { SESSION_TTL_MS } from '../tenants/member-sessions.ts';

/**
 * The inbox's session cookie's name for this deployment (docs/inbox-api.md "Conventions"). Behind
 * https, `__Host-switchboard_session`: browsers accept a `__Host-` cookie only with Secure,
 * Path=/ and no Domain, set by this very host, so a sibling subdomain cannot plant ("toss") a
 * session cookie of its choosing for ours; and a plain `switchboard_session` one planted that way
 * is never read. Over http (localhost, the sandbox) browsers refuse `__Host-` cookies, which need
 * Secure, so the plain name stays.
 */
export function sessionCookieName(config: Config): string {
  return servesHttps(config) ? '__Host-switchboard_session' : 'switchboard_session';
}

function servesHttps(config: Config): boolean {
  return config.http.publicUrl.startsWith('https:');
}

/** HttpOnly (no script reads it), Lax (not sent on another site's POSTs), Secure behind https; never a Domain. */
function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: servesHttps(config) } as const;
}

/** The session cookie's token on a request, under this deployment's name only. */
export function sessionTokenOf(cookies: Record<string, string | undefined>, config: Config): string | undefined {
  return cookies[sessionCookieName(config)];
}

/** Sets the session cookie for a fresh (or slid) session. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  void reply.setCookie(sessionCookieName(config), token, { ...cookieOptions(config), maxAge: SESSION_TTL_MS / 1000 });
}

/** Clears the session cookie (sign-out, or a cookie whose session is gone). */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  void reply.clearCookie(sessionCookieName(config), cookieOptions(config));
}
