// The shapes of the inbox's browser API (docs/inbox-api.md). Loose where the API passes Meta's
// objects through: the thread renders whatever a KapsoMessage carries and ignores the rest.

export type Role = 'admin' | 'agent';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  project_id: string;
  project_name: string;
}

export interface Session {
  user: SessionUser;
  csrf_token: string;
}

export interface PhoneNumber {
  id: string;
  display_phone_number: string;
  waba_id: string;
  is_sandbox: boolean;
}

export interface Member {
  id: string;
  email: string;
  role: Role;
}

export interface Contact {
  id: string;
  name: string | null;
  wa_id: string | null;
  business_scoped_user_id: string | null;
  username: string | null;
}

export interface LastMessage {
  id: string;
  type: string;
  text: string | null;
  direction: Direction;
  timestamp: string;
  status: string | null;
}

export interface InboxConversation {
  id: string;
  phone_number_id: string;
  status: 'active' | 'ended';
  last_active_at: string;
  created_at: string;
  contact: Contact;
  last_message: LastMessage | null;
  unread_count: number;
  assignee: { id: string; email: string } | null;
  window_open_until: string | null;
}

export type Direction = 'inbound' | 'outbound';

/** A Meta status object as kept in `kapso.statuses` (meta-cloud-api.md: statuses[]). */
export interface MetaStatus {
  status: string;
  timestamp?: string;
  errors?: MetaError[];
}

export interface MetaError {
  code?: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

export interface KapsoBlock {
  direction?: Direction;
  status?: string;
  has_media?: boolean;
  whatsapp_conversation_id?: string;
  media_url?: string;
  media_data?: { url?: string; filename?: string | null; content_type?: string; byte_size?: number };
  contact_name?: string;
  message_type_data?: Record<string, unknown>;
  content?: unknown;
  statuses?: MetaStatus[];
}

/** A message as the Kapso history API renders it (kapso-api.md §6.1.4). */
export interface KapsoMessage {
  id: string;
  timestamp: string;
  type: string;
  from?: string;
  to?: string;
  context?: { id?: string; from?: string };
  kapso?: KapsoBlock;
  [type: string]: unknown;
}

export interface Note {
  id: string;
  conversation_id: string;
  body: string;
  author: { id: string; email: string };
  created_at: string;
}

export interface SearchHit {
  message_id: string;
  conversation_id: string;
  phone_number_id: string;
  contact_name: string | null;
  direction: Direction;
  timestamp: string;
  snippet: string;
}

export interface Template {
  id: string;
  name: string;
  language: string;
  category: string;
  components: TemplateComponent[];
}

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  [key: string]: unknown;
}

export interface Page<T> {
  data: T[];
  paging: { next: string | null; previous?: string | null };
}
