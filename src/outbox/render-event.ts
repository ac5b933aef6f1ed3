import type { Transaction } from 'kysely';
import { readJson } from '../db/json.ts';
import type { DB, EventRow } from '../db/schema.ts';
import { findConversation } from '../conversations/store.ts';
import { findMessage, listStatuses } from '../messages/store.ts';
import { findLastMessageOfConversation } from './event-store.ts';
import { renderConversationEvent, renderInactiveEvent, renderMessageEvent, renderPhoneNumberEvent } from './render-payload.ts';

/** A rendered event: the exact body, and the conversation it belongs to (for ordering, batching). */
export interface RenderedEvent {
  body: string;
  conversationId: string | null;
}

/**
 * Loads what an event's payload is made of and renders it, or null when its source is gone (a
 * project deleted its data meanwhile). Bodies given whole in the event (raw Meta forwards, test
 * events) are sent as they are.
 */
export async function renderEvent(trx: Transaction<DB>, event: EventRow, projectId: string): Promise<RenderedEvent | null> {
  const data = readJson<{ body?: unknown }>(event.data);
  if (typeof data.body === 'string') return { body: data.body, conversationId: event.conversation_id };
  if (event.type.startsWith('whatsapp.message.')) {
    if (!event.phone_number_id || !event.message_id) return null;
    const message = await findMessage(trx, projectId, event.phone_number_id, event.message_id);
    if (!message) return null;
    const conversation = await findConversation(trx, projectId, message.conversation_id);
    if (!conversation) return null;
    const statuses = await listStatuses(trx, event.phone_number_id, event.message_id);
    return { body: renderMessageEvent(event, message, statuses, conversation), conversationId: conversation.id };
  }
  if (event.type.startsWith('whatsapp.conversation.')) {
    if (!event.conversation_id) return null;
    const conversation = await findConversation(trx, projectId, event.conversation_id);
    if (!conversation) return null;
    if (event.type !== 'whatsapp.conversation.inactive') {
      return { body: renderConversationEvent(event, conversation), conversationId: conversation.id };
    }
    const last = await findLastMessageOfConversation(trx, conversation.id);
    return { body: renderInactiveEvent(event, conversation, last), conversationId: conversation.id };
  }
  if (event.type.startsWith('whatsapp.phone_number.')) return { body: renderPhoneNumberEvent(event, projectId), conversationId: null };
  return null;
}
