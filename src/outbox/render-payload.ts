import { readJson } from '../db/json.ts';
import type { EventRow, MessageRow, StatusRow } from '../db/schema.ts';
import type { ConversationView } from '../conversations/store.ts';
import { presentConversation } from '../conversations/present.ts';
import type { FieldSelection } from '../http/fields.ts';
import type { MessageMedia } from '../media/present-media.ts';
import { formatInstant } from '../http/instants.ts';
import { presentMessage } from '../messages/present.ts';

/**
 * The v2 bodies of kapso-api.md §8.4, rendered once at fan-out from the stored rows. Pure. A
 * single delivery carries no event name in its body (it travels in `X-Webhook-Event`).
 */

/** `message.kapso` in webhooks holds only message-scoped keys (§8.4); summaries live on `conversation`. */
const WEBHOOK_MESSAGE_FIELDS: FieldSelection = {
  metaFields: null,
  kapso: {
    kind: 'names',
    names: new Set([
      'direction',
      'status',
      'processing_status',
      'origin',
      'has_media',
      'content',
      'transcript',
      'statuses',
      'media_url',
      'media_data',
      'message_type_data',
      'phone_number',
      'phone_number_id',
    ]),
  },
};
const CONVERSATION_FIELDS: FieldSelection = { metaFields: null, kapso: { kind: 'default' } };
const CONVERSATION_WITHOUT_KAPSO: FieldSelection = { metaFields: null, kapso: { kind: 'none' } };

interface EventData {
  status?: string;
  /** Meta's timestamp (epoch seconds) of the status event that fired this one. */
  status_timestamp?: number;
  is_new_conversation?: boolean;
  inactivity_minutes?: number;
}

/**
 * A message event: the message as it was when the event happened (its status is the event's, and
 * its status history stops at the event), its conversation, and whether the message opened it.
 * Its media file shows as it is at rendering: `media_url` once stored, else its state in
 * `message_type_data` (a message is usually rendered before its file is downloaded).
 */
export function renderMessageEvent(event: EventRow, message: MessageRow, statuses: readonly StatusRow[], conversation: ConversationView, media?: MessageMedia): string {
  const data = readJson<EventData>(event.data);
  const status = data.status ?? message.status;
  // The history as of the event: statuses up to the one that fired it, by Meta's timestamps.
  const until = data.status_timestamp;
  const history = until === undefined ? statuses : statuses.filter((s) => Number(s.timestamp) <= until);
  return JSON.stringify({
    message: presentMessage({ ...message, status }, history, WEBHOOK_MESSAGE_FIELDS, media),
    conversation: presentConversation(conversation, CONVERSATION_FIELDS),
    is_new_conversation: data.is_new_conversation ?? false,
    phone_number_id: event.phone_number_id,
  });
}

/**
 * `whatsapp.conversation.created` shows the conversation as it started (zero counts, no last
 * message: the doc example), `ended` shows it ended, whatever happened since.
 */
export function renderConversationEvent(event: EventRow, conversation: ConversationView): string {
  const view: ConversationView =
    event.type === 'whatsapp.conversation.created'
      ? {
          ...conversation,
          status: 'active',
          messages_count: 0,
          last_message_id: null,
          last_message_type: null,
          last_message_at: null,
          last_message_text: null,
          last_inbound_at: null,
          last_outbound_at: null,
        }
      : { ...conversation, status: 'ended' };
  return JSON.stringify({ conversation: presentConversation(view, CONVERSATION_FIELDS), phone_number_id: event.phone_number_id });
}

/** `whatsapp.conversation.inactive` (§8.4, ours): the conversation, its last message, the quiet time. */
export function renderInactiveEvent(event: EventRow, conversation: ConversationView, lastMessage: MessageRow | undefined): string {
  const data = readJson<EventData>(event.data);
  return JSON.stringify({
    conversation: presentConversation(conversation, CONVERSATION_WITHOUT_KAPSO),
    since_message: lastMessage
      ? {
          // Kapso's internal message id has no equivalent here; our insertion sequence is the stable one.
          id: String(lastMessage.seq),
          whatsapp_message_id: lastMessage.id,
          direction: lastMessage.direction,
          created_at: formatInstant(lastMessage.timestamp * 1000),
        }
      : null,
    inactivity: { minutes: data.inactivity_minutes ?? null },
    phone_number_id: event.phone_number_id,
  });
}

/** `whatsapp.phone_number.created` / `deleted` (§8.4): the number and its project. */
export function renderPhoneNumberEvent(event: EventRow, projectId: string): string {
  return JSON.stringify({ phone_number_id: event.phone_number_id, project: { id: projectId } });
}
