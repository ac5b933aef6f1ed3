import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { UserRole, UserRow } from '../db/schema.ts';
import { hashPassword } from '../crypto/password-hash.ts';
import { hashToken, newToken } from './session-tokens.ts';
import { checkEmail, checkPassword, checkRole } from './member-fields.ts';
import { findProject } from './store.ts';
import { TenancyError } from './tenancy-error.ts';
import {
  expireSignInLinksOf,
  findLiveUser,
  findLiveUserByEmail,
  insertSignInLink,
  insertUser,
  listLiveUsers,
  markUserRemoved,
  revokeSessionsOf,
  setPasswordHash,
} from './users-store.ts';

/* The team inbox's members as the operator manages them (switchboard users, the first start). */

type UsersDeps = Pick<Deps, 'database' | 'clock' | 'config'>;

/** How long a one-time sign-in link stays usable (docs/inbox-api.md). */
export const SIGN_IN_LINK_TTL_MS = 24 * 60 * 60 * 1000;

/** A member as the CLI and the inbox show it: never a hash. */
export interface MemberView {
  id: string;
  email: string;
  role: UserRole;
  project_id: string;
}

export function viewOfMember(user: Pick<UserRow, 'id' | 'email' | 'role' | 'project_id'>): MemberView {
  return { id: user.id, email: user.email, role: user.role, project_id: user.project_id };
}

/** Adds a member to a project; with no password, signing in is by a one-time link (signInLinkFor). */
export async function addMember(deps: UsersDeps, input: { projectId: string; email: string; role: string; password?: string }): Promise<MemberView> {
  const email = checkEmail(input.email);
  const role = checkRole(input.role);
  const passwordHash = input.password === undefined ? null : await hashPassword(checkPassword(input.password));
  const { db } = deps.database;
  if (!(await findProject(db, input.projectId))) throw new TenancyError(`no project ${input.projectId}`);
  if (await findLiveUserByEmail(db, email)) throw new TenancyError(`${email} is already a member (an email signs in to one project only)`);
  const now = deps.clock.now();
  const user = { id: randomUUID(), project_id: input.projectId, email, password_hash: passwordHash, role, created_at: now, updated_at: now };
  await insertUser(db, user);
  return viewOfMember(user);
}

/** A project's members, by email. */
export async function listMembers(deps: UsersDeps, projectId: string): Promise<MemberView[]> {
  const { db } = deps.database;
  if (!(await findProject(db, projectId))) throw new TenancyError(`no project ${projectId}`);
  return (await listLiveUsers(db, projectId)).map(viewOfMember);
}

/** The live member with this id or email (any case), or a TenancyError. */
export async function requireMember(deps: UsersDeps, idOrEmail: string): Promise<UserRow> {
  const user = (await findLiveUser(deps.database.db, idOrEmail)) ?? (await findLiveUser(deps.database.db, idOrEmail.trim().toLowerCase()));
  if (!user) throw new TenancyError(`no member ${idOrEmail}`);
  return user;
}

/** Removes a member: their sessions end and their unused links stop working, at once. */
export async function removeMember(deps: UsersDeps, idOrEmail: string): Promise<MemberView> {
  const user = await requireMember(deps, idOrEmail);
  const now = deps.clock.now();
  await deps.database.db.transaction().execute(async (trx) => {
    await markUserRemoved(trx, user.id, now);
    await revokeSessionsOf(trx, user.id, now);
    await expireSignInLinksOf(trx, user.id, now);
  });
  return viewOfMember(user);
}

/**
 * Resets a member's password (none given: the password is cleared and a link is the way in).
 * Every session of theirs ends and older links stop working.
 */
export async function resetMember(deps: UsersDeps, idOrEmail: string, password?: string): Promise<MemberView> {
  const passwordHash = password === undefined ? null : await hashPassword(checkPassword(password));
  const user = await requireMember(deps, idOrEmail);
  const now = deps.clock.now();
  await deps.database.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, user.id, passwordHash, now);
    await revokeSessionsOf(trx, user.id, now);
    await expireSignInLinksOf(trx, user.id, now);
  });
  return viewOfMember(user);
}

/** Issues a one-time sign-in link for a member: PUBLIC_URL/inbox/sign-in/TOKEN, usable once within 24 h. */
export async function signInLinkFor(deps: UsersDeps, userId: string): Promise<string> {
  const token = newToken();
  const now = deps.clock.now();
  await insertSignInLink(deps.database.db, { token_hash: hashToken(token), user_id: userId, created_at: now, expires_at: now + SIGN_IN_LINK_TTL_MS });
  return `${deps.config.http.publicUrl}/inbox/sign-in/${token}`;
}
