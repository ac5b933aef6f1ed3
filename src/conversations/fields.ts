import type { KapsoVocabulary } from '../http/fields.ts';

/**
 * The conversation's Kapso keys (kapso-api.md §2.5), all in the default set: the list page says
 * it includes counts and contact info, and the inbox asks for six of them on every poll (§2.4).
 */
export const CONVERSATION_KAPSO_FIELDS = Object.freeze([
  'contact_name',
  'messages_count',
  'last_message_id',
  'last_message_type',
  'last_message_timestamp',
  'last_message_text',
  'last_inbound_at',
  'last_outbound_at',
] as const);

const SET: ReadonlySet<string> = new Set(CONVERSATION_KAPSO_FIELDS);

/** What `kapso(default)` and `kapso(all)` mean on a conversation: the same eight keys. */
export const CONVERSATION_KAPSO_VOCABULARY: KapsoVocabulary = Object.freeze({ defaults: SET, all: SET });
