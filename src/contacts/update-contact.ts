import type { Kysely } from 'kysely';
import { readJson, writeJson } from '../db/json.ts';
import type { DB } from '../db/schema.ts';
import { type Metadata, mergeMetadata } from './metadata.ts';
import { type ContactAddress, lockContact, updateContactFields } from './store.ts';

/** The fields a business may change on a contact (kapso-api.md §6.3.3). */
export interface ContactPatch {
  profile_name?: string | undefined;
  display_name?: string | null | undefined;
  metadata?: Metadata | undefined;
}

/**
 * Applies a PATCH to a contact of the project's number in one transaction: the contact is locked,
 * its metadata merged with the patch, and the result written. Returns false when there is no such
 * contact (or it belongs to another project).
 */
export async function updateContact(
  db: Kysely<DB>,
  target: { projectId: string; phoneNumberId: string; address: ContactAddress },
  patch: ContactPatch,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const current = await lockContact(trx, target.projectId, target.phoneNumberId, target.address);
    if (!current) return false;
    await updateContactFields(trx, current.id, {
      ...(patch.profile_name !== undefined ? { profile_name: patch.profile_name } : {}),
      ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
      ...(patch.metadata !== undefined ? { metadata: writeJson(mergeMetadata(readJson(current.metadata), patch.metadata)) } : {}),
      updated_at: now,
    });
    return true;
  });
}
