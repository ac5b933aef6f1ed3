import { readJson } from '../db/json.ts';
import type { EventRow, MessageRow, StatusRow } from '../db/schema.ts';
import { presentConversation } from '../conversations/present.ts';
import { WEBHOOK_CONVERSATION_FIELDS } from '../conversations/render-conversation-event.ts';
import type { ConversationView } from '../conversations/store.ts';
import type { FieldSelection } from '../http/fields.ts';
import type { MessageMedia } from '../media/present-media.ts';
import { presentMessage } from './present.ts';

/**
 * The v2 body of the message events (kapso-api.md §8.4), rendered once at fan-out from the stored
 * rows. Pure. A single delivery carries no event name in its body (it travels in `X-Webhook-Event`).
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

interface MessageEventData {
  status?: string;
  /** Meta's timestamp (epoch seconds) of the status event that fired this one. */
  status_timestamp?: number;
  is_new_conversation?: boolean;
}

/**
 * A message event: the message as it was when the event happened (its status is the event's, and
 * its status history stops at the event), its conversation, and whether the message opened it.
 * Its media file shows as it is at rendering: `media_url` once stored, else its state in
 * `message_type_data` (a message is usually rendered before its file is downloaded).
 */
export function renderMessageEvent(event: EventRow, message: MessageRow, statuses: readonly StatusRow[], conversation: ConversationView, media?: MessageMedia): string {
  const data = readJson<MessageEventData>(event.data);
  const status = data.status ?? message.status;
  // The history as of the event: statuses up to the one that fired it, by Meta's timestamps.
  const until = data.status_timestamp;
  const history = until === undefined ? statuses : statuses.filter((s) => Number(s.timestamp) <= until);
  return JSON.stringify({
    message: presentMessage({ ...message, status }, history, WEBHOOK_MESSAGE_FIELDS, media),
    conversation: presentConversation(conversation, WEBHOOK_CONVERSATION_FIELDS),
    is_new_conversation: data.is_new_conversation ?? false,
    phone_number_id: event.phone_number_id,
  });
}
