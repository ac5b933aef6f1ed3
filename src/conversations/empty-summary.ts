/** What a conversation with no message yet says of its messages: a new row, and the `created` event's view. */
export const EMPTY_CONVERSATION_SUMMARY = {
  messages_count: 0,
  last_message_id: null,
  last_message_type: null,
  last_message_at: null,
  last_message_text: null,
  last_inbound_at: null,
  last_outbound_at: null,
} as const;
