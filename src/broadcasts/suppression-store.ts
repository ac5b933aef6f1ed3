import type { Kysely, Transaction } from 'kysely';
import type { BroadcastSuppressionRow, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Adds a number to the project's suppression list; a number already on it keeps its first reason. Returns whether it was added. */
export async function insertSuppression(db: Db, row: BroadcastSuppressionRow): Promise<boolean> {
  const inserted = await db.insertInto('broadcast_suppressions').values(row).onConflict((oc) => oc.columns(['project_id', 'wa_id']).doNothing()).returning('wa_id').execute();
  return inserted.length === 1;
}

/** One suppressed number of the project. */
export async function findSuppression(db: Db, projectId: string, waId: string): Promise<BroadcastSuppressionRow | undefined> {
  return db.selectFrom('broadcast_suppressions').selectAll().where('project_id', '=', projectId).where('wa_id', '=', waId).executeTakeFirst();
}

/** Removes a number from the project's list; whether it was on it. */
export async function deleteSuppression(db: Db, projectId: string, waId: string): Promise<boolean> {
  const r = await db.deleteFrom('broadcast_suppressions').where('project_id', '=', projectId).where('wa_id', '=', waId).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** How many numbers the project suppresses. */
export async function countSuppressions(db: Db, projectId: string): Promise<number> {
  const row = await db.selectFrom('broadcast_suppressions').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One offset page of the project's suppressed numbers, newest first. */
export async function listSuppressionsPage(db: Db, projectId: string, offset: number, limit: number): Promise<BroadcastSuppressionRow[]> {
  return db.selectFrom('broadcast_suppressions').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('wa_id').offset(offset).limit(limit).execute();
}

/** Which of these numbers the project suppresses, with why. */
export async function suppressedAmong(db: Db, projectId: string, waIds: readonly string[]): Promise<Map<string, string>> {
  if (waIds.length === 0) return new Map();
  const rows = await db.selectFrom('broadcast_suppressions').select(['wa_id', 'reason']).where('project_id', '=', projectId).where('wa_id', 'in', [...waIds]).execute();
  return new Map(rows.map((r) => [r.wa_id, r.reason]));
}
