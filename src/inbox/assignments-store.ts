import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The member a conversation is assigned to, if any. */
export async function findAssignee(db: Db, conversationId: string): Promise<string | undefined> {
  const row = await db.selectFrom('conversation_assignments').select('assignee_user_id').where('conversation_id', '=', conversationId).executeTakeFirst();
  return row?.assignee_user_id;
}

/** Assigns a conversation to a member, replacing any assignee it had. */
export async function upsertAssignment(
  db: Db,
  row: { conversationId: string; projectId: string; assigneeUserId: string; assignedByUserId: string; now: number },
): Promise<void> {
  const values = { assignee_user_id: row.assigneeUserId, assigned_by_user_id: row.assignedByUserId, assigned_at: row.now };
  await db
    .insertInto('conversation_assignments')
    .values({ conversation_id: row.conversationId, project_id: row.projectId, ...values })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet(values))
    .execute();
}

/** Leaves a conversation unassigned. */
export async function deleteAssignment(db: Db, conversationId: string): Promise<void> {
  await db.deleteFrom('conversation_assignments').where('conversation_id', '=', conversationId).execute();
}
