import type { Kysely, Transaction, Updateable } from 'kysely';
import type { BroadcastRow, BroadcastStatus, BroadcastsTable, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A new draft, its template as Meta returned it (T0: counts start at 0). */
export async function insertBroadcast(db: Db, row: Pick<BroadcastRow, 'id' | 'project_id' | 'phone_number_id' | 'name' | 'created_at'> & { template: string }): Promise<BroadcastRow> {
  return db
    .insertInto('broadcasts')
    .values({ ...row, status: 'draft', scheduled_at: null, started_at: null, stopped_at: null, completed_at: null, failure_reason: null, updated_at: row.created_at })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The project's broadcast; another project's is indistinguishable from none. */
export async function findBroadcast(db: Db, projectId: string, id: string): Promise<BroadcastRow | undefined> {
  return db.selectFrom('broadcasts').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
}

export interface BroadcastFilter {
  phoneNumberId?: string;
  status?: BroadcastStatus;
  createdAfter?: number;
  createdBefore?: number;
}

function filtered(db: Db, projectId: string, f: BroadcastFilter) {
  let q = db.selectFrom('broadcasts').where('project_id', '=', projectId);
  if (f.phoneNumberId !== undefined) q = q.where('phone_number_id', '=', f.phoneNumberId);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.createdAfter !== undefined) q = q.where('created_at', '>=', f.createdAfter);
  if (f.createdBefore !== undefined) q = q.where('created_at', '<=', f.createdBefore);
  return q;
}

/** How many of the project's broadcasts match. */
export async function countBroadcasts(db: Db, projectId: string, f: BroadcastFilter): Promise<number> {
  const row = await filtered(db, projectId, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One offset page of the project's broadcasts, most recent first [R-LIST]. */
export async function listBroadcastsPage(db: Db, projectId: string, f: BroadcastFilter, offset: number, limit: number): Promise<BroadcastRow[]> {
  return filtered(db, projectId, f).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
}

/**
 * Moves a broadcast from one of `from` to a new status with `set`, only if it is still in one of
 * them (and, with `needsRecipients`, still has some): the compare-and-set that makes a lifecycle
 * step safe against a concurrent one. Undefined when the row no longer qualifies.
 */
export async function transitionBroadcast(
  db: Db,
  projectId: string,
  id: string,
  from: readonly BroadcastStatus[],
  set: Updateable<BroadcastsTable> & { status: BroadcastStatus; updated_at: number },
  needsRecipients = false,
): Promise<BroadcastRow | undefined> {
  let q = db.updateTable('broadcasts').set(set).where('id', '=', id).where('project_id', '=', projectId).where('status', 'in', [...from]);
  if (needsRecipients) q = q.where('total_recipients', '>', 0);
  return q.returningAll().executeTakeFirst();
}

/**
 * T3 for every broadcast whose `scheduled_at` has come, across projects: what the worker's
 * scheduler runs before claiming recipients. Returns the broadcasts it started.
 */
export async function startDueScheduledBroadcasts(db: Db, now: number): Promise<BroadcastRow[]> {
  return db
    .updateTable('broadcasts')
    .set({ status: 'sending', started_at: now, updated_at: now })
    .where('status', '=', 'scheduled')
    .where('scheduled_at', '<=', now)
    .returningAll()
    .execute();
}

/** A broadcast by id in any project: for the operator's CLI, which sees every project. */
export async function findBroadcastById(db: Db, id: string): Promise<BroadcastRow | undefined> {
  return db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
}
