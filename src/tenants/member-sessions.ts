import type { Deps } from '../deps.ts';
import { UNMATCHABLE_HASH, verifyPassword } from '../crypto/password-hash.ts';
import { hashToken, isWellFormedToken, newToken } from './session-tokens.ts';
import { normalizeEmail } from './member-fields.ts';
import { findLiveSession, findLiveUserByEmail, findLiveUserById, findUsableSignInLink, insertSession, type LiveSession, revokeSession, touchSession, useSignInLink } from './users-store.ts';

/* The inbox's sessions (docs/inbox-api.md "Signing in"): started by a password or a one-time link,
 * found by the cookie's token, slid forward on use, ended by sign-out, removal or reset. */

type SessionDeps = Pick<Deps, 'database' | 'clock'>;

/** Sessions last this long from their last use. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** The expiry slides at most this often: one write per session per hour, not per request. */
export const SESSION_REFRESH_MS = 60 * 60 * 1000;

/** A started session: the cookie's token (never stored) and what it signs in as. */
export interface StartedSession {
  token: string;
  live: LiveSession;
}

/** A session found by its cookie; `refreshed` says its expiry moved, so the cookie is sent again. */
export interface FoundSession extends LiveSession {
  refreshed: boolean;
}

/**
 * Signs in with email and password, or null. An unknown email, a member without a password and a
 * wrong password all take one scrypt and answer alike, so the answer tells no one who is a member.
 */
export async function signInWithPassword(deps: SessionDeps, email: string, password: string): Promise<StartedSession | null> {
  const user = await findLiveUserByEmail(deps.database.db, normalizeEmail(email));
  const matches = await verifyPassword(password, user?.password_hash ?? UNMATCHABLE_HASH);
  if (!user || !user.password_hash || !matches) return null;
  return startSession(deps, user.id);
}

/** Signs in with a one-time link's token, spending it; null for a used, expired or unknown token. */
export async function signInWithLink(deps: SessionDeps, token: string): Promise<StartedSession | null> {
  if (!isWellFormedToken(token)) return null;
  const userId = await useSignInLink(deps.database.db, hashToken(token), deps.clock.now());
  if (!userId || !(await findLiveUserById(deps.database.db, userId))) return null;
  return startSession(deps, userId);
}

/** Whom a one-time link's token would sign in, without spending it; null for a used, expired or unknown token. */
export async function readSignInLink(deps: SessionDeps, token: string): Promise<{ email: string; projectName: string } | null> {
  if (!isWellFormedToken(token)) return null;
  return (await findUsableSignInLink(deps.database.db, hashToken(token), deps.clock.now())) ?? null;
}

/** The live session a cookie's token names, its expiry slid forward when due; undefined otherwise. */
export async function findSession(deps: SessionDeps, token: string): Promise<FoundSession | undefined> {
  if (!isWellFormedToken(token)) return undefined;
  const now = deps.clock.now();
  const live = await findLiveSession(deps.database.db, hashToken(token), now);
  if (!live) return undefined;
  if (now - live.session.last_used_at < SESSION_REFRESH_MS) return { ...live, refreshed: false };
  const expiresAt = now + SESSION_TTL_MS;
  await touchSession(deps.database.db, live.session.id, now, expiresAt);
  return { ...live, session: { ...live.session, last_used_at: now, expires_at: expiresAt }, refreshed: true };
}

/** Ends one session (sign-out). */
export async function endSession(deps: SessionDeps, sessionId: string): Promise<void> {
  await revokeSession(deps.database.db, sessionId, deps.clock.now());
}

async function startSession(deps: SessionDeps, userId: string): Promise<StartedSession | null> {
  const token = newToken();
  const now = deps.clock.now();
  const row = { id: hashToken(token), user_id: userId, csrf_token: newToken(), created_at: now, last_used_at: now, expires_at: now + SESSION_TTL_MS };
  await insertSession(deps.database.db, row);
  const live = await findLiveSession(deps.database.db, row.id, now);
  return live ? { token, live } : null;
}
