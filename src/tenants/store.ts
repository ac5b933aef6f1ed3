import type { Kysely, Transaction } from 'kysely';
import type { DB, PhoneNumberRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface ProjectRecord {
  id: string;
  name: string;
  created_at: number;
}

/** Inserts a project. */
export async function insertProject(db: Db, project: ProjectRecord): Promise<void> {
  await db.insertInto('projects').values(project).execute();
}

/** Finds a project by id. */
export async function findProject(db: Db, id: string): Promise<ProjectRecord | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Lists projects, oldest first. */
export async function listProjects(db: Db): Promise<ProjectRecord[]> {
  return db.selectFrom('projects').selectAll().orderBy('created_at').orderBy('id').execute();
}

/** Stores a new API key (its hash and lookup prefix only). */
export async function insertApiKey(
  db: Db,
  row: { id: string; project_id: string; prefix: string; hash: string; created_at: number },
): Promise<void> {
  await db.insertInto('api_keys').values({ ...row, revoked_at: null }).execute();
}

/** The live (not revoked) key with this prefix, if any. */
export async function findLiveApiKeyByPrefix(db: Db, prefix: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'project_id', 'hash'])
    .where('prefix', '=', prefix)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Revokes a key by id or prefix; returns whether a live key was revoked. */
export async function revokeApiKey(db: Db, idOrPrefix: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Registers a phone number for a project. Fails on a number already registered anywhere. */
export async function insertPhoneNumber(db: Db, row: PhoneNumberRow): Promise<void> {
  await db.insertInto('phone_numbers').values(row).execute();
}

/** A phone number by id, in any project, removed ones included (registration checks). */
export async function findPhoneNumber(db: Db, id: string): Promise<PhoneNumberRow | undefined> {
  return db.selectFrom('phone_numbers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Registers again a number removed with its history kept: the row is replaced whole. */
export async function replaceRemovedPhoneNumber(db: Db, row: PhoneNumberRow): Promise<void> {
  const { id, ...rest } = row;
  await db.updateTable('phone_numbers').set(rest).where('id', '=', id).where('removed_at', 'is not', null).execute();
}

/** Changes a registered number's fields; returns whether it was (still) registered. */
export async function updateLivePhoneNumber(
  db: Db,
  id: string,
  changes: Partial<Pick<PhoneNumberRow, 'display_phone_number' | 'waba_id' | 'access_token_enc' | 'app_secret_enc' | 'verify_token_hash' | 'max_messages_per_second' | 'messaging_limit_tier' | 'messaging_limit_source'>>,
): Promise<boolean> {
  if (Object.keys(changes).length === 0) return (await findPhoneNumber(db, id))?.removed_at === null;
  const result = await db.updateTable('phone_numbers').set(changes).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Marks a number removed with its history kept; its secrets are overwritten by the caller's blanks. */
export async function markPhoneNumberRemoved(
  db: Db,
  id: string,
  now: number,
  blanks: Pick<PhoneNumberRow, 'access_token_enc' | 'app_secret_enc' | 'verify_token_hash'>,
): Promise<boolean> {
  const result = await db.updateTable('phone_numbers').set({ ...blanks, removed_at: now }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes a number's row (its history deleted first: number-history-store.ts). */
export async function deletePhoneNumberRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('phone_numbers').where('id', '=', id).execute();
}

/** The phone number if it belongs to the project; a foreign number is indistinguishable from none. */
export async function findProjectPhoneNumber(db: Db, projectId: string, id: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
}

/** A project's phone numbers, or every number when no project is given (CLI listing). */
export async function listPhoneNumbers(db: Db, projectId?: string): Promise<PhoneNumberRow[]> {
  let q = db.selectFrom('phone_numbers').selectAll().where('removed_at', 'is', null);
  if (projectId) q = q.where('project_id', '=', projectId);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Phone numbers by Meta id, for routing an incoming webhook to its app secret. */
export async function findPhoneNumbersByIds(db: Db, ids: readonly string[]): Promise<PhoneNumberRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('phone_numbers').selectAll().where('id', 'in', ids).where('removed_at', 'is', null).execute();
}

/** Phone numbers of the given WABAs (webhooks that name no phone number, e.g. template updates). */
export async function findPhoneNumbersByWabaIds(db: Db, wabaIds: readonly string[]): Promise<PhoneNumberRow[]> {
  if (wabaIds.length === 0) return [];
  return db.selectFrom('phone_numbers').selectAll().where('waba_id', 'in', wabaIds).where('removed_at', 'is', null).execute();
}

/** Whether any phone number was registered with this verify token hash. */
export async function verifyTokenExists(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('verify_token_hash', '=', tokenHash)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

/** One of the project's numbers in the given WABA (templates are addressed by WABA id). */
export async function findProjectNumberByWaba(db: Db, projectId: string, wabaId: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('waba_id', '=', wabaId)
    .where('removed_at', 'is', null)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}

/** A project's API keys, live and revoked, oldest first: what identifies them, never their hashes. */
export async function listApiKeys(db: Db, projectId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'prefix', 'created_at', 'revoked_at'])
    .where('project_id', '=', projectId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
