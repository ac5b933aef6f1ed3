import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface IdempotencyRecord {
  request_hash: string;
  status_code: number | null;
  response_body: string | null;
  created_at: number;
}

/**
 * Claims an idempotency key for a project, first forgetting a claim older than `expiresBefore`.
 * Returns null when this call claimed it, else the existing record (in flight or completed).
 */
export async function claimIdempotencyKey(
  db: Db,
  row: { project_id: string; key: string; request_hash: string; created_at: number },
  expiresBefore: number,
): Promise<IdempotencyRecord | null> {
  await db
    .deleteFrom('idempotency_keys')
    .where('project_id', '=', row.project_id)
    .where('key', '=', row.key)
    .where('created_at', '<', expiresBefore)
    .execute();
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ ...row, status_code: null, response_body: null })
    .onConflict((oc) => oc.columns(['project_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (claimed) return null;
  return (
    (await db
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'status_code', 'response_body', 'created_at'])
      .where('project_id', '=', row.project_id)
      .where('key', '=', row.key)
      .executeTakeFirst()) ?? null
  );
}

/** Records the answer given under a claimed key, so a retry gets the same answer. */
export async function completeIdempotencyKey(db: Db, projectId: string, key: string, statusCode: number, body: string): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status_code: statusCode, response_body: body })
    .where('project_id', '=', projectId)
    .where('key', '=', key)
    .execute();
}

/** Gives a key up (the attempt failed before Meta answered), so the client may retry with it. */
export async function releaseIdempotencyKey(db: Db, projectId: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('project_id', '=', projectId).where('key', '=', key).execute();
}
