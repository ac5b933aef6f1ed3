import type { Deps } from '../deps.ts';
import { findLiveUserByEmail } from '../tenants/users-store.ts';
import { addMember, signInLinkFor } from '../tenants/users.ts';

/** The sandbox's inbox admin: no password, signed in by the link each start prints. */
export const SANDBOX_ADMIN_EMAIL = 'admin@sandbox.local';

/**
 * A fresh one-time sign-in link for the sandbox's admin, adding the admin first when there is none
 * (first start, or removed since). Links are single-use, so every start prints a new one. Null if
 * the email belongs to a member of another project (an operator's choice left alone).
 */
export async function sandboxSignInUrl(deps: Pick<Deps, 'database' | 'clock' | 'config'>, projectId: string): Promise<string | null> {
  const existing = await findLiveUserByEmail(deps.database.db, SANDBOX_ADMIN_EMAIL);
  if (existing && existing.project_id !== projectId) return null;
  const admin = existing ?? (await addMember(deps, { projectId, email: SANDBOX_ADMIN_EMAIL, role: 'admin' }));
  return signInLinkFor(deps, admin.id);
}
