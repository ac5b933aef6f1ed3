import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Whether `userId` is a live member of the project: another project's member is no member. */
export async function isLiveMember(db: Db, projectId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).where('project_id', '=', projectId).where('removed_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}
