import type { Kysely, Transaction } from 'kysely';
import type { DB, UserRole, UserRow, UserSessionRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A live session with its member and the member's project, as the inbox's auth hook needs it. */
export interface LiveSession {
  session: Pick<UserSessionRow, 'id' | 'csrf_token' | 'last_used_at' | 'expires_at'>;
  user: Pick<UserRow, 'id' | 'project_id' | 'email' | 'role'>;
  projectName: string;
}

/** Inserts a member. Fails on an email already live anywhere in the deployment (`users_email_live`). */
export async function insertUser(db: Db, row: Omit<UserRow, 'removed_at'>): Promise<void> {
  await db.insertInto('users').values({ ...row, removed_at: null }).execute();
}

/** The live member with this (lowercase) email, in any project. */
export async function findLiveUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).where('removed_at', 'is', null).executeTakeFirst();
}

/** A project's live member by id or email; another project's member is not found. */
export async function findLiveUserInProject(db: Db, projectId: string, idOrEmail: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('project_id', '=', projectId)
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail)]))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
}

/** A live member by id or email, in any project (the operator's CLI). */
export async function findLiveUser(db: Db, idOrEmail: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail)]))
    .where('removed_at', 'is', null)
    .executeTakeFirst();
}

/** A project's live members, by email. */
export async function listLiveUsers(db: Db, projectId: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('project_id', '=', projectId).where('removed_at', 'is', null).orderBy('email').orderBy('id').execute();
}

/** Marks a member removed; returns whether a live member was. */
export async function markUserRemoved(db: Db, userId: string, now: number): Promise<boolean> {
  const result = await db.updateTable('users').set({ removed_at: now, updated_at: now }).where('id', '=', userId).where('removed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Replaces a member's password hash (null: none, sign in by link only). */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string | null, now: number): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', userId).execute();
}

/** Stores a new session (by the hash of its token). */
export async function insertSession(db: Db, row: Omit<UserSessionRow, 'revoked_at'>): Promise<void> {
  await db.insertInto('user_sessions').values({ ...row, revoked_at: null }).execute();
}

/** The session with this id if unrevoked, unexpired at `now`, and its member still live. */
export async function findLiveSession(db: Db, sessionId: string, now: number): Promise<LiveSession | undefined> {
  const row = await db
    .selectFrom('user_sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .innerJoin('projects as p', 'p.id', 'u.project_id')
    .select(['s.id', 's.csrf_token', 's.last_used_at', 's.expires_at', 'u.id as user_id', 'u.project_id', 'u.email', 'u.role', 'p.name as project_name'])
    .where('s.id', '=', sessionId)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('u.removed_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    session: { id: row.id, csrf_token: row.csrf_token, last_used_at: row.last_used_at, expires_at: row.expires_at },
    user: { id: row.user_id, project_id: row.project_id, email: row.email, role: row.role as UserRole },
    projectName: row.project_name,
  };
}

/** Slides a session's expiry forward from its use at `now`. */
export async function touchSession(db: Db, sessionId: string, now: number, expiresAt: number): Promise<void> {
  await db.updateTable('user_sessions').set({ last_used_at: now, expires_at: expiresAt }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Revokes one session (sign-out). */
export async function revokeSession(db: Db, sessionId: string, now: number): Promise<void> {
  await db.updateTable('user_sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}

/** Revokes every session of a member (removal, password reset); returns how many were live. */
export async function revokeSessionsOf(db: Db, userId: string, now: number): Promise<number> {
  const result = await db.updateTable('user_sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Stores a one-time sign-in link (by the hash of its token). */
export async function insertSignInLink(db: Db, row: { token_hash: string; user_id: string; created_at: number; expires_at: number }): Promise<void> {
  await db.insertInto('sign_in_links').values({ ...row, used_at: null }).execute();
}

/**
 * Uses a link: marks it used if it is unused and unexpired at `now`, and returns its member's id.
 * One UPDATE, so two clicks racing each other sign in once.
 */
export async function useSignInLink(db: Db, tokenHash: string, now: number): Promise<string | undefined> {
  const row = await db
    .updateTable('sign_in_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('user_id')
    .executeTakeFirst();
  return row?.user_id;
}

/**
 * Who an unused link unexpired at `now` would sign in (its live member's email and project name),
 * without using it: the confirmation page reads this, only the POST spends the link.
 */
export async function findUsableSignInLink(db: Db, tokenHash: string, now: number): Promise<{ email: string; projectName: string } | undefined> {
  const row = await db
    .selectFrom('sign_in_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .innerJoin('projects as p', 'p.id', 'u.project_id')
    .select(['u.email', 'p.name as project_name'])
    .where('l.token_hash', '=', tokenHash)
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', now)
    .where('u.removed_at', 'is', null)
    .executeTakeFirst();
  return row && { email: row.email, projectName: row.project_name };
}

/** Spends every unused link of a member (removal, reset: an older link must not outlive them). */
export async function expireSignInLinksOf(db: Db, userId: string, now: number): Promise<void> {
  await db.updateTable('sign_in_links').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

/** A live member by id. */
export async function findLiveUserById(db: Db, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).where('removed_at', 'is', null).executeTakeFirst();
}
