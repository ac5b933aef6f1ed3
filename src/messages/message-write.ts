import type { ConversationChoice } from '../conversations/lifecycle.ts';
import { writeJson } from '../db/json.ts';
import type { MessageEvent, MessageWrite } from '../db/store-primitives.ts';
import { messageEventForStatus } from '../events/event-types.ts';
import type { DerivedMessageFields } from './records.ts';

/** A message either way, with the customer it belongs to. */
export interface ConversationMessage {
  phoneNumberId: string;
  /** The customer's wa_id; null when the message names them by BSUID alone. */
  waId: string | null;
  /** The customer's business-scoped user id, when the message names it (meta-cloud-api.md §1.5). */
  bsuid?: string | null | undefined;
  parentBsuid?: string | null | undefined;
  /** The customer's WhatsApp username, when the message's contact carries it. */
  username?: string | null | undefined;
  /** The customer's country code, when the message's contact carries it. */
  countryCode?: string | null | undefined;
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

/** Where a message is placed and what it starts with, as the write path decided. */
export interface Placement {
  choice: ConversationChoice;
  /** The contact's profile name after this message's contact upsert. */
  contactName: string | null;
  /** The customer's phone as their contact now knows it (a BSUID message may not carry it). */
  contactWaId?: string | null | undefined;
  /** The status to store (the initial one moved on by early status events) and its steps. */
  status: string;
  advancedThrough: ReadonlyArray<{ status: string; timestamp: number }>;
  now: number;
}

/** The row, conversation preview and outbox events of a message placed in its conversation (pure). */
export function messageWriteOf(m: ConversationMessage, p: Placement): MessageWrite {
  const inbound = m.direction === 'inbound';
  return {
    row: {
      id: m.id,
      phone_number_id: m.phoneNumberId,
      conversation_id: p.choice.conversationId,
      direction: m.direction,
      type: m.type,
      from_id: inbound ? (m.waId ?? p.contactWaId) : m.phoneNumberId,
      to_id: inbound ? m.phoneNumberId : (m.waId ?? p.contactWaId),
      timestamp: m.timestamp,
      status: p.status,
      processing_status: m.processingStatus,
      origin: 'cloud_api',
      has_media: m.derived.hasMedia ? 1 : 0,
      // The name this message gave, else the contact's (a message of the batch may have renamed it).
      contact_name: m.profileName ?? p.contactName,
      content: m.derived.content,
      payload: writeJson(m.payload),
      kapso_data: writeJson(kapsoDataOf(m.derived)),
      created_at: p.now,
      updated_at: p.now,
    },
    previewText: m.derived.previewText,
    events: messageEventsOf(m, p),
  };
}

/**
 * The outbox events of a newly stored message, in the order they happened (kapso-api.md §8.2):
 * conversation ended and created, message received, then the sent/delivered/read/failed steps of
 * early statuses. Outbound messages fire no event when stored (the send is acknowledged to the
 * client directly); they fire `whatsapp.message.sent` and the rest as Meta's statuses move them.
 */
function messageEventsOf(m: ConversationMessage, { choice, advancedThrough }: Placement): MessageEvent[] {
  const { phoneNumberId } = m;
  const { conversationId } = choice;
  const events: MessageEvent[] = [];
  if (choice.endedId) events.push({ type: 'whatsapp.conversation.ended', phoneNumberId, conversationId: choice.endedId });
  if (choice.opened) events.push({ type: 'whatsapp.conversation.created', phoneNumberId, conversationId });
  if (m.direction === 'inbound') events.push({ type: 'whatsapp.message.received', phoneNumberId, conversationId, messageId: m.id, data: { is_new_conversation: choice.opened } });
  for (const step of advancedThrough) {
    const type = messageEventForStatus(step.status);
    if (type) events.push({ type, phoneNumberId, conversationId, messageId: m.id, data: { status: step.status, status_timestamp: step.timestamp } });
  }
  return events;
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
