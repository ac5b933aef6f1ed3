import { EMPTY_CONVERSATION_SUMMARY } from './empty-summary.ts';
import { readJson } from '../db/json.ts';
import type { EventRow, MessageRow } from '../db/schema.ts';
import type { FieldSelection } from '../http/fields.ts';
import { formatInstant } from '../http/instants.ts';
import { presentConversation } from './present.ts';
import type { ConversationView } from './store.ts';

/**
 * The v2 bodies of the conversation events (kapso-api.md §8.4), rendered once at fan-out from the
 * stored rows. Pure. A single delivery carries no event name in its body (it travels in
 * `X-Webhook-Event`).
 */

/** How a conversation shows in webhook bodies, its own events' and its messages' alike. */
export const WEBHOOK_CONVERSATION_FIELDS: FieldSelection = { metaFields: null, kapso: { kind: 'default' } };
const CONVERSATION_WITHOUT_KAPSO: FieldSelection = { metaFields: null, kapso: { kind: 'none' } };

interface InactiveEventData {
  inactivity_minutes?: number;
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
          ...EMPTY_CONVERSATION_SUMMARY,
        }
      : { ...conversation, status: 'ended' };
  return JSON.stringify({ conversation: presentConversation(view, WEBHOOK_CONVERSATION_FIELDS), phone_number_id: event.phone_number_id });
}

/** `whatsapp.conversation.inactive` (§8.4, ours): the conversation, its last message, the quiet time. */
export function renderInactiveEvent(event: EventRow, conversation: ConversationView, lastMessage: MessageRow | undefined): string {
  const data = readJson<InactiveEventData>(event.data);
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
