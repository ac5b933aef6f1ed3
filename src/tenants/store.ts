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

/** Whether a phone number id is registered (to any project). */
export async function phoneNumberExists(db: Db, id: string): Promise<boolean> {
  const row = await db.selectFrom('phone_numbers').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** The phone number if it belongs to the project; a foreign number is indistinguishable from none. */
export async function findProjectPhoneNumber(db: Db, projectId: string, id: string): Promise<PhoneNumberRow | undefined> {
  return db
    .selectFrom('phone_numbers')
    .selectAll()
    .where('id', '=', id)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
}

/** A project's phone numbers, or every number when no project is given (CLI listing). */
export async function listPhoneNumbers(db: Db, projectId?: string): Promise<PhoneNumberRow[]> {
  let q = db.selectFrom('phone_numbers').selectAll();
  if (projectId) q = q.where('project_id', '=', projectId);
  return q.orderBy('created_at').orderBy('id').execute();
}

/** Phone numbers by Meta id, for routing an incoming webhook to its app secret. */
export async function findPhoneNumbersByIds(db: Db, ids: readonly string[]): Promise<PhoneNumberRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('phone_numbers').selectAll().where('id', 'in', ids).execute();
}

/** Phone numbers of the given WABAs (webhooks that name no phone number, e.g. template updates). */
export async function findPhoneNumbersByWabaIds(db: Db, wabaIds: readonly string[]): Promise<PhoneNumberRow[]> {
  if (wabaIds.length === 0) return [];
  return db.selectFrom('phone_numbers').selectAll().where('waba_id', 'in', wabaIds).execute();
}

/** Whether any phone number was registered with this verify token hash. */
export async function verifyTokenExists(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('verify_token_hash', '=', tokenHash)
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
