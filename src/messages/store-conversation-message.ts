import type { Transaction } from 'kysely';
import { upsertContact } from '../contacts/store.ts';
import { decideConversation } from '../conversations/lifecycle.ts';
import { endConversation, findCurrentConversation, openConversation, recordConversationMessage } from '../conversations/store.ts';
import { writeJson } from '../db/json.ts';
import type { DB } from '../db/schema.ts';
import { queueMessageMedia } from '../media/queue-message-media.ts';
import { messageEventForStatus } from '../events/event-types.ts';
import { appendEvent } from '../events/append-event.ts';
import type { DerivedMessageFields } from './records.ts';
import { type RecordedMessage, recordMessage } from './record-message.ts';
import { messageExists } from './store.ts';

/** A message either way, with the customer it belongs to. */
export interface ConversationMessage {
  phoneNumberId: string;
  /** The customer's wa_id. */
  waId: string;
  /** The customer's WhatsApp profile name when this message carries it (inbound). */
  profileName: string | null;
  id: string;
  type: string;
  direction: 'inbound' | 'outbound';
  /** Epoch seconds (Meta's timestamp; the send time for outbound). */
  timestamp: number;
  /** Initial status: `received` inbound, `pending` outbound. */
  status: string;
  processingStatus: string;
  /** The Meta message object: as received, or the send body as sent. */
  payload: Record<string, unknown>;
  derived: DerivedMessageFields;
}

export interface StoreContext {
  now: number;
  inactivityMs: number;
}

/**
 * Stores a message once per (number, wamid) with everything that hangs off it, inside the
 * caller's transaction: the contact (created, or its profile name refreshed), the conversation
 * (joined, or opened when the last one ended or went quiet), the message (with any status that
 * beat it here applied) and the conversation's counters and summary, the download of its media
 * file (queued, never awaited), and the outbox events these changes cause (kapso-api.md §8.2):
 * conversation ended and created, message received, and the sent/delivered/read/failed steps of
 * early statuses. Returns the conversation id, or null when
 * the message was already stored (a retry or duplicate changes nothing).
 */
export async function storeConversationMessage(trx: Transaction<DB>, m: ConversationMessage, ctx: StoreContext): Promise<string | null> {
  // Checked first so a duplicate delivery touches neither the contact nor the conversation.
  if (await messageExists(trx, m.phoneNumberId, m.id)) return null;
  const atMs = m.timestamp * 1000;
  // The contact upsert row-locks the contact until commit on PostgreSQL (written or not):
  // concurrent transactions for one customer queue here, and the conversation lookup below never
  // races into opening two conversations.
  const contact = await upsertContact(trx, { phoneNumberId: m.phoneNumberId, waId: m.waId, profileName: m.profileName, now: ctx.now });
  const conversation = await conversationFor(trx, m, contact.id, atMs, ctx);
  const conversationId = conversation.id;
  const recorded = await recordMessage(trx, {
    id: m.id,
    phone_number_id: m.phoneNumberId,
    conversation_id: conversationId,
    direction: m.direction,
    type: m.type,
    from_id: m.direction === 'inbound' ? m.waId : m.phoneNumberId,
    to_id: m.direction === 'inbound' ? m.phoneNumberId : m.waId,
    timestamp: m.timestamp,
    status: m.status,
    processing_status: m.processingStatus,
    origin: 'cloud_api',
    has_media: m.derived.hasMedia ? 1 : 0,
    contact_name: contact.profile_name,
    content: m.derived.content,
    payload: writeJson(m.payload),
    kapso_data: writeJson(kapsoDataOf(m.derived)),
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  if (!recorded.inserted) return null;
  if (m.derived.hasMedia) await queueMessageMedia(trx, m, ctx.now);
  await recordConversationMessage(trx, conversationId, {
    id: m.id,
    type: m.type,
    direction: m.direction,
    at: atMs,
    previewText: m.derived.previewText,
    now: ctx.now,
  });
  await appendMessageEvents(trx, m, conversation, recorded.advancedThrough, ctx.now);
  return conversationId;
}

interface ConversationChoice {
  id: string;
  opened: boolean;
  /** The active conversation this message superseded (ended because it went quiet). */
  endedId: string | null;
}

/** Finds the conversation a message joins, opening a new one (and ending the stale one) if needed. */
async function conversationFor(trx: Transaction<DB>, m: ConversationMessage, contactId: string, atMs: number, ctx: StoreContext): Promise<ConversationChoice> {
  const current = await findCurrentConversation(trx, m.phoneNumberId, m.waId);
  if (current && decideConversation(current, atMs, ctx.inactivityMs) === 'join') return { id: current.id, opened: false, endedId: null };
  const endedId = current?.status === 'active' ? current.id : null;
  if (endedId) await endConversation(trx, endedId, ctx.now);
  const id = await openConversation(trx, { phoneNumberId: m.phoneNumberId, contactId, waId: m.waId, activeAt: atMs, now: ctx.now });
  return { id, opened: true, endedId };
}

/**
 * The outbox events of a newly stored message, in the order they happened. Outbound messages
 * fire no event when stored (the send is acknowledged to the client directly); they fire
 * `whatsapp.message.sent` and the rest as Meta's statuses move them (§8.2).
 */
async function appendMessageEvents(trx: Transaction<DB>, m: ConversationMessage, c: ConversationChoice, advancedThrough: RecordedMessage['advancedThrough'], now: number): Promise<void> {
  const base = { phoneNumberId: m.phoneNumberId, conversationId: c.id };
  if (c.endedId) await appendEvent(trx, { type: 'whatsapp.conversation.ended', phoneNumberId: m.phoneNumberId, conversationId: c.endedId }, now);
  if (c.opened) await appendEvent(trx, { ...base, type: 'whatsapp.conversation.created' }, now);
  if (m.direction === 'inbound') {
    await appendEvent(trx, { ...base, type: 'whatsapp.message.received', messageId: m.id, data: { is_new_conversation: c.opened } }, now);
  }
  for (const step of advancedThrough) {
    const type = messageEventForStatus(step.status);
    if (type) await appendEvent(trx, { ...base, type, messageId: m.id, data: { status: step.status, status_timestamp: step.timestamp } }, now);
  }
}

/** The Kapso-derived fields a message row keeps in `kapso_data`. */
export function kapsoDataOf(d: DerivedMessageFields): Record<string, unknown> {
  const data: Record<string, unknown> = { message_type_data: d.messageTypeData };
  if (d.flowResponse !== undefined) data.flow_response = d.flowResponse;
  if (d.flowToken !== undefined) data.flow_token = d.flowToken;
  if (d.flowName !== undefined) data.flow_name = d.flowName;
  if (d.orderText !== undefined) data.order_text = d.orderText;
  return data;
}
