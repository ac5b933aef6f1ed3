import type { Transaction } from 'kysely';
import { readJson } from '../db/json.ts';
import type { DB, EventRow, MessageRow, StatusRow } from '../db/schema.ts';
import { type ConversationView, findConversationsByIds } from '../conversations/store.ts';
import { type MessageMedia, messageMediaOf } from '../media/present-media.ts';
import type { MediaUrlSigner } from '../crypto/signed-url.ts';
import { findMediaOfMessages } from '../media/store.ts';
import { findMessagesOfNumber, listStatusesOfMessages } from '../messages/store.ts';
import { findLastMessageOfConversation } from './event-store.ts';
import { renderConversationEvent, renderInactiveEvent } from '../conversations/render-conversation-event.ts';
import { renderMessageEvent } from '../messages/render-message-event.ts';
import { renderPhoneNumberEvent } from '../tenants/render-phone-number-event.ts';

/** A rendered event: the exact body, and the conversation it belongs to (for ordering, batching). */
export interface RenderedEvent {
  body: string;
  conversationId: string | null;
}

/** An event to render, with the project it belongs to. */
export interface EventToRender {
  event: EventRow;
  projectId: string;
}

/**
 * Renders a batch of events, keyed by event id, loading what their payloads are made of with a
 * few queries for the whole batch (messages and status histories per number, conversations per
 * project) rather than a few per event: fan-out runs at the pace of these round trips. An event
 * whose source is gone (a project deleted its data meanwhile) is left out. Bodies given whole
 * in the event (raw Meta forwards, test events) are sent as they are.
 */
export async function renderEvents(trx: Transaction<DB>, batch: readonly EventToRender[], urls: MediaUrls): Promise<Map<string, RenderedEvent>> {
  const rendered = new Map<string, RenderedEvent>();
  const messages = await loadMessages(trx, batch);
  const conversations = await loadConversations(trx, batch, messages);
  const statuses = await loadStatuses(trx, batch);
  const media = await loadMedia(trx, messages, urls);
  for (const { event, projectId } of batch) {
    const data = readJson<{ body?: unknown }>(event.data);
    if (typeof data.body === 'string') {
      rendered.set(event.id, { body: data.body, conversationId: event.conversation_id });
      continue;
    }
    if (event.type.startsWith('whatsapp.message.')) {
      const message = messages.get(messageKey(event.phone_number_id, event.message_id));
      const conversation = message ? conversations.get(message.conversation_id) : undefined;
      if (!message || !conversation) continue;
      const history = statuses.get(messageKey(message.phone_number_id, message.id)) ?? [];
      const file = media.get(messageKey(message.phone_number_id, message.id));
      rendered.set(event.id, { body: renderMessageEvent(event, message, history, conversation, file), conversationId: conversation.id });
    } else if (event.type === 'whatsapp.conversation.inactive') {
      const conversation = event.conversation_id ? conversations.get(event.conversation_id) : undefined;
      if (!conversation) continue;
      const last = await findLastMessageOfConversation(trx, conversation.id);
      rendered.set(event.id, { body: renderInactiveEvent(event, conversation, last), conversationId: conversation.id });
    } else if (event.type.startsWith('whatsapp.conversation.')) {
      const conversation = event.conversation_id ? conversations.get(event.conversation_id) : undefined;
      if (conversation) rendered.set(event.id, { body: renderConversationEvent(event, conversation), conversationId: conversation.id });
    } else if (event.type.startsWith('whatsapp.phone_number.')) {
      rendered.set(event.id, { body: renderPhoneNumberEvent(event, projectId), conversationId: null });
    }
  }
  return rendered;
}

/** How media URLs in webhook bodies are signed: the gateway's signer, at rendering time. */
export interface MediaUrls {
  signer: MediaUrlSigner;
  nowMs: number;
}

const messageKey = (phoneNumberId: string | null, id: string | null) => `${phoneNumberId}\n${id}`;

function isMessageEvent(e: EventRow): boolean {
  return e.type.startsWith('whatsapp.message.') && e.phone_number_id !== null && e.message_id !== null;
}

/** Message ids per number, for the message events of a batch. */
function messageIdsByNumber(batch: readonly EventToRender[]): Map<string, string[]> {
  const byNumber = new Map<string, string[]>();
  for (const { event } of batch) {
    if (!isMessageEvent(event)) continue;
    const ids = byNumber.get(event.phone_number_id as string) ?? [];
    ids.push(event.message_id as string);
    byNumber.set(event.phone_number_id as string, ids);
  }
  return byNumber;
}

async function loadMessages(trx: Transaction<DB>, batch: readonly EventToRender[]): Promise<Map<string, MessageRow>> {
  const found = new Map<string, MessageRow>();
  for (const [phoneNumberId, ids] of messageIdsByNumber(batch)) {
    for (const row of await findMessagesOfNumber(trx, phoneNumberId, [...new Set(ids)])) found.set(messageKey(row.phone_number_id, row.id), row);
  }
  return found;
}

async function loadStatuses(trx: Transaction<DB>, batch: readonly EventToRender[]): Promise<Map<string, StatusRow[]>> {
  const found = new Map<string, StatusRow[]>();
  // Only status events carry a history worth loading; a received message has none.
  const withHistory = batch.filter(({ event }) => event.type !== 'whatsapp.message.received');
  for (const [phoneNumberId, ids] of messageIdsByNumber(withHistory)) {
    for (const row of await listStatusesOfMessages(trx, phoneNumberId, [...new Set(ids)])) {
      const key = messageKey(row.phone_number_id, row.message_id);
      found.set(key, [...(found.get(key) ?? []), row]);
    }
  }
  return found;
}

/** The media files of the batch's media messages, one query per number. */
async function loadMedia(trx: Transaction<DB>, messages: Map<string, MessageRow>, urls: MediaUrls): Promise<Map<string, MessageMedia>> {
  const idsByNumber = new Map<string, string[]>();
  for (const m of messages.values()) {
    if (Number(m.has_media) !== 0) idsByNumber.set(m.phone_number_id, [...(idsByNumber.get(m.phone_number_id) ?? []), m.id]);
  }
  const found = new Map<string, MessageMedia>();
  for (const [phoneNumberId, ids] of idsByNumber) {
    for (const row of await findMediaOfMessages(trx, phoneNumberId, ids)) found.set(messageKey(row.phone_number_id, row.message_id), messageMediaOf(row, urls.signer, urls.nowMs));
  }
  return found;
}

/** The conversations of a batch's events, scoped to each event's project. */
async function loadConversations(trx: Transaction<DB>, batch: readonly EventToRender[], messages: Map<string, MessageRow>): Promise<Map<string, ConversationView>> {
  const idsByProject = new Map<string, Set<string>>();
  for (const { event, projectId } of batch) {
    const id = event.conversation_id ?? messages.get(messageKey(event.phone_number_id, event.message_id))?.conversation_id;
    if (!id) continue;
    idsByProject.set(projectId, (idsByProject.get(projectId) ?? new Set()).add(id));
  }
  const found = new Map<string, ConversationView>();
  for (const [projectId, ids] of idsByProject) {
    for (const row of await findConversationsByIds(trx, projectId, [...ids])) found.set(row.id, row);
  }
  return found;
}
