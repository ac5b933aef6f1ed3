import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The sandbox, when one was created. */
export async function findSandbox(db: Db) {
  return db.selectFrom('sandbox').selectAll().orderBy('created_at').limit(1).executeTakeFirst();
}

/** Records the sandbox created on a first start. */
export async function insertSandbox(
  db: Db,
  row: { project_id: string; phone_number_id: string; api_key_enc: string; customer_wa_id: string; created_at: number },
): Promise<void> {
  await db.insertInto('sandbox').values(row).execute();
}

/** Whether any phone number other than the sandbox's is registered. */
export async function hasRealPhoneNumbers(db: Db): Promise<boolean> {
  const row = await db.selectFrom('phone_numbers').select('id').where('is_sandbox', '=', 0).where('removed_at', 'is', null).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Points a number at a Graph origin (the sandbox's simulator listens on a new port each start). */
export async function setGraphUrl(db: Db, phoneNumberId: string, graphUrl: string): Promise<void> {
  await db.updateTable('phone_numbers').set({ graph_url: graphUrl }).where('id', '=', phoneNumberId).execute();
}

/** Whether a project other than `sandboxProjectId` has a real (not sandbox) phone number. */
export async function hasRealNumberOutside(db: Db, sandboxProjectId: string): Promise<boolean> {
  const row = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('is_sandbox', '=', 0)
    .where('project_id', '<>', sandboxProjectId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Revokes every live API key of a project; returns how many were revoked. */
export async function revokeProjectKeys(db: Db, projectId: string, now: number): Promise<number> {
  const result = await db.updateTable('api_keys').set({ revoked_at: now }).where('project_id', '=', projectId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows);
}
