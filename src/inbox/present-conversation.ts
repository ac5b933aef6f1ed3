import type { InboxConversationRow } from './conversation-store.ts';

/** How long after a customer's message free-form messages may be sent (Meta's customer service window). */
const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A conversation as the inbox shows it to one member (docs/inbox-api.md `InboxConversation`). */
export interface InboxConversation {
  id: string;
  phone_number_id: string;
  status: 'active' | 'ended';
  last_active_at: string;
  created_at: string;
  contact: { id: string; name: string | null; wa_id: string | null; business_scoped_user_id: string | null; username: string | null };
  last_message: { id: string; type: string; text: string | null; direction: string | null; timestamp: string; status: string | null } | null;
  unread_count: number;
  assignee: { id: string; email: string } | null;
  window_open_until: string | null;
}

/** Renders a loaded row as an InboxConversation (pure). */
export function presentInboxConversation(row: InboxConversationRow): InboxConversation {
  const lastInboundAt = row.customer_last_inbound_at === null ? null : Number(row.customer_last_inbound_at);
  return {
    id: row.id,
    phone_number_id: row.phone_number_id,
    status: row.status,
    last_active_at: isoOf(row.last_active_at),
    created_at: isoOf(row.created_at),
    contact: { id: row.contact_id, name: row.contact_name, wa_id: row.contact_wa_id, business_scoped_user_id: row.contact_bsuid, username: row.contact_username },
    last_message:
      row.last_message_id === null
        ? null
        : {
            id: row.last_message_id,
            type: row.last_message_type ?? 'unknown',
            text: row.last_message_text,
            direction: row.last_message_direction,
            timestamp: isoOf(row.last_message_at ?? row.last_active_at),
            status: row.last_message_status,
          },
    unread_count: Number(row.unread_count),
    // A member removed since keeps its assignments by name until someone reassigns them.
    assignee: row.assignee_user_id === null ? null : { id: row.assignee_user_id, email: row.assignee_email ?? '' },
    window_open_until: lastInboundAt === null ? null : isoOf(lastInboundAt + SERVICE_WINDOW_MS),
  };
}

/** The inbox's instants: ISO 8601 UTC with milliseconds. */
export function isoOf(ms: number | string): string {
  return new Date(Number(ms)).toISOString();
}
