import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';
import { appendEvent } from '../events/append-event.ts';
import { INBOX_NOTE_CREATED_EVENT } from '../events/event-types.ts';
import type { ConversationRef } from './conversation-store.ts';
import { findNote, insertNote, type NoteView } from './notes-store.ts';

/**
 * Stores a member's note on a conversation and, in the same transaction, the outbox event that
 * shows it live in every open inbox of the project (never sent to a webhook or the customer).
 */
export async function addNote(
  db: Kysely<DB>,
  author: { userId: string; projectId: string },
  conversation: ConversationRef,
  body: string,
  now: number,
): Promise<NoteView> {
  const id = timeOrderedUuid(now);
  return db.transaction().execute(async (trx) => {
    await insertNote(trx, { id, projectId: author.projectId, conversationId: conversation.id, authorUserId: author.userId, body, createdAt: now });
    await appendEvent(
      trx,
      { type: INBOX_NOTE_CREATED_EVENT, projectId: author.projectId, phoneNumberId: conversation.phone_number_id, conversationId: conversation.id, data: { note_id: id } },
      now,
    );
    return (await findNote(trx, author.projectId, id)) as NoteView;
  });
}
