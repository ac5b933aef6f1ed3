import { readJson } from '../db/json.ts';
import { type FieldSelection, wantsKapsoField } from '../http/fields.ts';
import { formatInstant, formatOptionalInstant } from '../http/instants.ts';
import { whatsappConfigId } from '../tenants/config-id.ts';
import { CONVERSATION_KAPSO_VOCABULARY } from './fields.ts';
import type { ConversationObject } from './schemas.ts';
import type { ConversationView } from './store.ts';

type Entry = [key: string, value: unknown];

/**
 * Renders a stored conversation as Kapso's conversation object (kapso-api.md §6.2) with the `kapso`
 * block of §2.5 chosen by `fields`. Other `fields` tokens keep only those top-level keys, as on
 * messages; `id` always stays.
 */
export function presentConversation(row: ConversationView, selection: FieldSelection): ConversationObject {
  const { metaFields } = selection;
  const base: Entry[] = [
    ['id', row.id],
    // Null for a customer known only by BSUID (kapso-api.md §6.2).
    ['phone_number', row.wa_id],
    ['business_scoped_user_id', row.business_scoped_user_id],
    ['parent_business_scoped_user_id', row.parent_business_scoped_user_id ?? null],
    ['username', row.username ?? null],
    ['status', row.status],
    ['last_active_at', formatInstant(row.last_active_at)],
    ['created_at', formatInstant(row.created_at)],
    ['updated_at', formatInstant(row.updated_at)],
    ['whatsapp_config_id', whatsappConfigId(row.phone_number_id)],
    ['phone_number_id', row.phone_number_id],
    ['metadata', readJson(row.metadata) ?? {}],
  ];
  const kept = base.filter(([key]) => metaFields === null || key === 'id' || metaFields.has(key));
  // Built from entries, so typed by assertion: test/http/sample-responses-match-the-openapi-document.test.ts holds it to the schema.
  if (selection.kapso.kind === 'none') return Object.fromEntries(kept) as ConversationObject;
  return Object.fromEntries([...kept, ['kapso', presentKapso(row, selection)]]) as ConversationObject;
}

/**
 * §2.5's keys, typed `| null` there: a conversation with no outbound message yet says
 * `last_outbound_at: null` rather than leaving the key out, so the inbox can compare the two.
 */
function presentKapso(row: ConversationView, selection: FieldSelection): Record<string, unknown> {
  const entries: Entry[] = [
    ['contact_name', row.contact_name],
    ['messages_count', Number(row.messages_count)],
    ['last_message_id', row.last_message_id],
    ['last_message_type', row.last_message_type],
    ['last_message_timestamp', formatOptionalInstant(row.last_message_at)],
    ['last_message_text', row.last_message_text],
    ['last_inbound_at', formatOptionalInstant(row.last_inbound_at)],
    ['last_outbound_at', formatOptionalInstant(row.last_outbound_at)],
  ];
  return Object.fromEntries(entries.filter(([key]) => wantsKapsoField(selection.kapso, key, CONVERSATION_KAPSO_VOCABULARY)));
}
