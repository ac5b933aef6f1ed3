import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { appendEvent } from '../events/append-event.ts';
import { INBOX_CONVERSATION_ASSIGNED_EVENT } from '../events/event-types.ts';
import { errors } from '../http/errors.ts';
import { deleteAssignment, findAssignee, upsertAssignment } from './assignments-store.ts';
import type { ConversationRef } from './conversation-store.ts';
import { isLiveMember } from './members-store.ts';

/**
 * Assigns a conversation to a live member of its project (null: unassigns it). Assigning it to
 * whom it already has changes nothing and fires nothing; any change writes the outbox event that
 * shows it live, in the same transaction. An assignee who is not a live member of the project
 * (unknown, removed, or another project's) is a bad parameter: 400, not 404, since the path's
 * conversation exists.
 */
export async function assignConversation(
  db: Kysely<DB>,
  by: { userId: string; projectId: string },
  conversation: ConversationRef,
  assigneeUserId: string | null,
  now: number,
): Promise<void> {
  if (assigneeUserId !== null && !(await isLiveMember(db, by.projectId, assigneeUserId))) {
    throw errors.invalidParameter('assignee_id', 'assignee_id must be the id of a member of this project.');
  }
  await db.transaction().execute(async (trx) => {
    const current = (await findAssignee(trx, conversation.id)) ?? null;
    if (current === assigneeUserId) return;
    if (assigneeUserId === null) await deleteAssignment(trx, conversation.id);
    else await upsertAssignment(trx, { conversationId: conversation.id, projectId: by.projectId, assigneeUserId, assignedByUserId: by.userId, now });
    await appendEvent(
      trx,
      {
        type: INBOX_CONVERSATION_ASSIGNED_EVENT,
        projectId: by.projectId,
        phoneNumberId: conversation.phone_number_id,
        conversationId: conversation.id,
        data: { assignee_user_id: assigneeUserId, assigned_by_user_id: by.userId },
      },
      now,
    );
  });
}
