import type { Deps } from '../deps.ts';
import { findSandbox, hasRealNumberOutside, revokeProjectKeys } from './store.ts';

export interface SandboxRetirement {
  /** A sandbox exists and a project other than the sandbox's has a real number. */
  retired: boolean;
  /** The sandbox project's keys this call revoked (0 once retired before). */
  revokedKeys: number;
  projectId: string | null;
}

/**
 * The sandbox is for trying the gateway out: once a real number is registered in another project,
 * its live, printable key must not stay valid and its simulator must not run. Revokes the sandbox
 * project's keys (any created later too) and says whether the sandbox is retired. Idempotent.
 */
export async function retireSandboxIfReplaced(deps: Pick<Deps, 'database' | 'clock'>): Promise<SandboxRetirement> {
  const { db } = deps.database;
  const sandbox = await findSandbox(db);
  if (!sandbox || !(await hasRealNumberOutside(db, sandbox.project_id))) {
    return { retired: false, revokedKeys: 0, projectId: sandbox?.project_id ?? null };
  }
  const revokedKeys = await revokeProjectKeys(db, sandbox.project_id, deps.clock.now());
  return { retired: true, revokedKeys, projectId: sandbox.project_id };
}
