import type { Selectable } from 'kysely';

/* The team inbox's members, their sessions and sign-in links (migration 020) and the sign-in
 * limits' attempts (migration 024); part of schema.ts's DB. */

/** What a member may do; both use the inbox, only an admin manages members (docs/inbox-api.md). */
export type UserRole = 'admin' | 'agent';

/** A project member who signs in to the team inbox. */
export interface UsersTable {
  id: string;
  project_id: string;
  /** Lowercase; unique among live members of the whole deployment (sign-in is by email alone). */
  email: string;
  /** `scrypt$N$r$p$salt$hash` (crypto/password-hash.ts); null until a password is set. */
  password_hash: string | null;
  role: UserRole;
  created_at: number;
  updated_at: number;
  /** When the member was removed; the row stays so notes and assignments still name it. */
  removed_at: number | null;
}

/** A signed-in browser. */
export interface UserSessionsTable {
  /** SHA-256 hex of the cookie's token: the token itself is never stored. */
  id: string;
  user_id: string;
  /** Sent back in X-CSRF-Token on every state change. */
  csrf_token: string;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  revoked_at: number | null;
}

/** A one-time sign-in link (CLI, first start). */
export interface SignInLinksTable {
  /** SHA-256 hex of the link's token. */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** A counted sign-in attempt (inbox/sign-in-limiter.ts). */
export interface SignInAttemptsTable {
  id: string;
  /** SHA-256 hex of `e:<normalized email>` or `a:<client address>`. */
  key: string;
  attempted_at: number;
}

/** The row a sign-in locks per key, so that attempts at one key are counted one at a time. */
export interface SignInAttemptKeysTable {
  key: string;
  last_attempt_at: number;
}

export type UserRow = Selectable<UsersTable>;
export type UserSessionRow = Selectable<UserSessionsTable>;
