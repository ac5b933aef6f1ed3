import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { appendEvent } from '../events/append-event.ts';
import { INBOX_CONVERSATION_REOPENED_EVENT } from '../events/event-types.ts';
import { setConversationStatus } from './store.ts';

/**
 * Ends or reopens a conversation of the project (PATCH, kapso-api.md §6.2.3). Ending one fires
 * `whatsapp.conversation.ended` in the same transaction; ending an ended one changes nothing and
 * fires nothing. Reopening has no event in Kapso's catalogue (§8.2): it is recorded as the team
 * inbox's own event, which no webhook receives, so open inboxes see it live. Returns whether the
 * status changed.
 */
export async function updateConversationStatus(
  db: Kysely<DB>,
  projectId: string,
  conversation: { id: string; phone_number_id: string },
  status: 'active' | 'ended',
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changed = await setConversationStatus(trx, projectId, conversation.id, status, now);
    if (!changed) return false;
    const type = status === 'ended' ? 'whatsapp.conversation.ended' : INBOX_CONVERSATION_REOPENED_EVENT;
    await appendEvent(trx, { type, projectId: status === 'ended' ? null : projectId, phoneNumberId: conversation.phone_number_id, conversationId: conversation.id }, now);
    return true;
  });
}
