import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CallsTable, FlowsTable } from './schema-calls-flows.ts';
import type { BroadcastRecipientsTable, BroadcastSuppressionsTable, BroadcastsTable, SendBudgetsTable } from './schema-outbound.ts';
import type { SignInAttemptKeysTable, SignInAttemptsTable, SignInLinksTable, UserSessionsTable, UsersTable } from './schema-inbox-members.ts';
import type { ConversationAssignmentsTable, ConversationNotesTable, ConversationReadsTable, InboxSendsTable } from './schema-inbox-conversations.ts';

export type * from './schema-calls-flows.ts';
export type * from './schema-outbound.ts';
export type * from './schema-inbox-members.ts';
export type * from './schema-inbox-conversations.ts';

/** A JSON column: TEXT on SQLite, JSONB on PostgreSQL. Written as a JSON string, read with `readJson`. */
export type JsonColumn = ColumnType<unknown, string, string>;

/**
 * Table types shared by both dialects. Conventions that keep one set of queries working on
 * SQLite and PostgreSQL:
 * - instants are integer epoch milliseconds (`*_at`); Meta's message `timestamp` is epoch seconds;
 * - JSON columns are TEXT on SQLite and JSONB on PostgreSQL; stores write `JSON.stringify(...)`
 *   and read through `readJson` (db/json.ts), which accepts either driver's value;
 * - booleans are integers 0/1.
 */
export interface ProjectsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  /** The public, indexed part of the key (`sbk_<prefix>_<secret>`), used for lookup. */
  prefix: string;
  /** SHA-256 hex of the whole key; compared in constant time. */
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

export interface PhoneNumbersTable {
  /** Meta's phone_number_id. Unique across the gateway: a number belongs to one project. */
  id: string;
  project_id: string;
  display_phone_number: string;
  waba_id: string;
  access_token_enc: string;
  app_secret_enc: string;
  /** SHA-256 hex of the verify token, so the handshake can look it up without decrypting. */
  verify_token_hash: string;
  created_at: number;
  /** Graph API origin for this number; null means META_GRAPH_URL (the sandbox uses the simulator). */
  graph_url: string | null;
  /** 1 for the sandbox number created on first start. */
  is_sandbox: number;
  /** When it was removed with its history kept (tenants/remove-number.ts); null while registered. */
  removed_at: number | null;
  /** The send governor's rate for this number (messages/s); null: SEND_DEFAULT_MPS. */
  max_messages_per_second: number | null;
  /** Meta's messaging-limit tier (`TIER_250` … `TIER_UNLIMITED`); null while unknown (tenants/messaging-limit.ts). */
  messaging_limit_tier: string | null;
  /** Who set the tier: read from the number's fields at Meta, or set by the operator. */
  messaging_limit_source: MessagingLimitSource | null;
}

/** Where a number's messaging-limit tier came from (migration 018). */
export type MessagingLimitSource = 'meta' | 'operator';

export interface ContactsTable {
  id: string;
  phone_number_id: string;
  /** The customer's phone (digits); null for a customer known only by BSUID (migration 014). */
  wa_id: string | null;
  profile_name: string | null;
  display_name: string | null;
  metadata: JsonColumn;
  created_at: number;
  updated_at: number;
  /** The Kapso customer (tenant grouping) the contact is linked to; added by migration 003. */
  customer_id: string | null;
  /** The conversation opened last for this customer (migration 009); null until one opens. */
  current_conversation_id: string | null;
  /** Meta's business-scoped user id (`user_id`), unique per number where set (migration 014). */
  business_scoped_user_id: string | null;
  parent_business_scoped_user_id: string | null;
  /** The customer's WhatsApp username (`profile.username`). */
  username: string | null;
  /** The customer's country (`profile.country_code`, ISO 3166 alpha-2), given with their BSUID. */
  country_code: string | null;
}

export interface ConversationsTable {
  id: string;
  phone_number_id: string;
  contact_id: string;
  /** Customer's wa_id (digits), served as `phone_number`; null while only the BSUID is known. */
  wa_id: string | null;
  /** The customer's BSUID, when known: kept beside wa_id so either filters the list (migration 014). */
  business_scoped_user_id: string | null;
  status: 'active' | 'ended';
  metadata: JsonColumn;
  messages_count: number;
  last_message_id: string | null;
  last_message_type: string | null;
  last_message_at: number | null;
  last_message_text: string | null;
  last_inbound_at: number | null;
  last_outbound_at: number | null;
  last_active_at: number;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
}

export interface MessagesTable {
  /** Monotonic insertion sequence: the tie-breaker of every keyset cursor. */
  seq: Generated<number>;
  /** Meta's wamid. Unique per phone number. */
  id: string;
  phone_number_id: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  from_id: string | null;
  to_id: string | null;
  /** Meta's timestamp, epoch seconds. */
  timestamp: number;
  status: string;
  processing_status: string;
  origin: string;
  has_media: number;
  contact_name: string | null;
  content: string | null;
  /** JSON: the Meta message object as received (inbound) or as sent (outbound). */
  payload: JsonColumn;
  /** JSON: Kapso-derived per-type data (message_type_data, flow_*, order_text). */
  kapso_data: JsonColumn;
  created_at: number;
  updated_at: number;
}

export interface MessageStatusesTable {
  seq: Generated<number>;
  phone_number_id: string;
  message_id: string;
  status: string;
  /** Meta's timestamp, epoch seconds. */
  timestamp: number;
  /** `status:timestamp:firstErrorCode`: the same status event delivered twice is kept once. */
  dedupe_key: string;
  /** JSON: the unmodified Meta status object (kapso-api.md §7.3). */
  payload: JsonColumn;
  received_at: number;
}

export interface IdempotencyKeysTable {
  project_id: string;
  key: string;
  /** SHA-256 of method, path and body: the same key with another request is refused. */
  request_hash: string;
  /** Null while the first request is in flight. */
  status_code: number | null;
  response_body: string | null;
  created_at: number;
}

export interface SandboxTable {
  project_id: string;
  phone_number_id: string;
  /** The sandbox project's API key, encrypted, so each start can print it again. */
  api_key_enc: string;
  customer_wa_id: string;
  created_at: number;
}

/** A webhook subscription (kapso-api.md §8.1, §8.7): number-scoped or project-scoped. */
export interface WebhooksTable {
  id: string;
  project_id: string;
  /** Set for a phone-number webhook (message and conversation events); null for a project webhook. */
  phone_number_id: string | null;
  url: string;
  kind: 'kapso' | 'meta';
  /** JSON string[]: the §8.2 event names subscribed to. */
  events: JsonColumn;
  active: number;
  /** The signing secret, encrypted at rest (it is shown in API responses, so not a hash). */
  secret_enc: string;
  /** JSON object: extra headers added to every delivery. */
  headers: JsonColumn;
  payload_version: string;
  buffer_enabled: number;
  buffer_window_seconds: number;
  max_buffer_size: number;
  /** JSON string[]: the events buffered (only `whatsapp.message.received` is bufferable). */
  buffer_events: JsonColumn;
  inactivity_minutes: number;
  /** Failed attempts in a row; reaching the threshold pauses the subscription. */
  consecutive_failures: Generated<number>;
  /** When the current run of failed attempts began; null after a success. */
  failing_since: number | null;
  /** Set when paused for failing continuously; cleared on resume. */
  paused_at: number | null;
  created_at: number;
  updated_at: number;
}

/** The transactional outbox: one row per subscribable change, written with the change. */
export interface EventsTable {
  seq: Generated<number>;
  /** UUID; sent as `X-Idempotency-Key`, stable across retries. */
  id: string;
  /** Null for number events: the number's project is looked up at fan-out, off the hot path. */
  project_id: string | null;
  phone_number_id: string | null;
  /** §8.2 name, or `meta.raw` for a Meta payload forwarded to `meta`-kind subscriptions. */
  type: string;
  conversation_id: string | null;
  message_id: string | null;
  /** JSON: what the payload is rendered from (ids, the status of the event, flags). */
  data: JsonColumn;
  created_at: number;
  /** Set when the event has been fanned out into deliveries. */
  dispatched_at: number | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event to one subscription: the unit that is attempted, retried and logged. */
export interface DeliveriesTable {
  seq: Generated<number>;
  id: string;
  event_id: string;
  webhook_id: string;
  project_id: string;
  phone_number_id: string | null;
  conversation_id: string | null;
  event_type: string;
  status: DeliveryStatus;
  /** 1 when it waits for earlier deliveries of its conversation (§8.5 ordering). */
  ordered: number;
  /** 1 when it is sent in a batch with the other buffered messages of its conversation (§8.5). */
  buffered: number;
  attempt_count: number;
  next_attempt_at: number;
  /** After this instant a failed attempt marks the delivery failed instead of retrying. */
  deadline_at: number;
  locked_by: string | null;
  locked_until: number | null;
  response_status: number | null;
  last_error: string | null;
  created_at: number;
  last_attempt_at: number | null;
  delivered_at: number | null;
  failed_at: number | null;
}

/** An event's body, rendered once at fan-out: every attempt of every delivery sends (and signs) these bytes. */
export interface EventBodiesTable {
  event_id: string;
  body: string;
}

export interface DeliveryAttemptsTable {
  seq: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  response_status: number | null;
  /** `http_status`, `timeout`, `connection`, `blocked_address`… (classified by undici's error code). */
  error_class: string | null;
  error_message: string | null;
  /** The first bytes of the receiver's answer. */
  response_excerpt: string | null;
  /** Deliveries sent together in this request (buffered batches). */
  batch_size: number;
}

export interface WebhookInactivityNoticesTable {
  webhook_id: string;
  conversation_id: string;
  /** The conversation's last_active_at when its inactivity was announced. */
  last_active_at: number;
}

export type MediaState = 'pending' | 'stored' | 'failed';

/** A media message's file waiting to become a `media` row (migration 008): appended by ingest, moved by the worker. */
export interface MediaQueueTable {
  seq: Generated<number>;
  phone_number_id: string;
  message_id: string;
  meta_media_id: string | null;
  source_url: string | null;
  kind: string | null;
  direction: 'inbound' | 'outbound';
  mime_type: string | null;
  filename: string | null;
  queued_at: number;
}

/** A media file of a message (or an upload), kept in the blob store (migration 005). */
export interface MediaTable {
  /** Our UUID: the `{id}` of `/media/{id}` URLs. */
  id: string;
  project_id: string;
  phone_number_id: string;
  /** The wamid of the message carrying it; null for uploads. */
  message_id: string | null;
  meta_media_id: string | null;
  /** Where an outbound message's media was linked from (`link`), when it had no Meta media id (migration 006). */
  source_url: string | null;
  /** The message type it came with (`image`, `audio`, `document`…); null for uploads (migration 006). */
  kind: string | null;
  direction: 'inbound' | 'outbound';
  state: MediaState;
  failure_reason: string | null;
  /** As Meta announced it. */
  mime_type: string | null;
  /** As served, after checking the bytes (application/octet-stream when they disagree). */
  content_type: string | null;
  filename: string | null;
  byte_size: number | null;
  /** Hex SHA-256 of the stored bytes. */
  sha256: string | null;
  /** Content-addressed key in the blob store. */
  storage_key: string | null;
  attempts: Generated<number>;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  stored_at: number | null;
}

export interface DB {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  phone_numbers: PhoneNumbersTable;
  contacts: ContactsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_statuses: MessageStatusesTable;
  idempotency_keys: IdempotencyKeysTable;
  sandbox: SandboxTable;
  webhooks: WebhooksTable;
  events: EventsTable;
  deliveries: DeliveriesTable;
  event_bodies: EventBodiesTable;
  delivery_attempts: DeliveryAttemptsTable;
  webhook_inactivity_notices: WebhookInactivityNoticesTable;
  media: MediaTable;
  media_queue: MediaQueueTable;
  send_budgets: SendBudgetsTable;
  calls: CallsTable;
  flows: FlowsTable;
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  broadcast_suppressions: BroadcastSuppressionsTable;
  users: UsersTable;
  user_sessions: UserSessionsTable;
  sign_in_links: SignInLinksTable;
  sign_in_attempts: SignInAttemptsTable;
  sign_in_attempt_keys: SignInAttemptKeysTable;
  conversation_assignments: ConversationAssignmentsTable;
  conversation_notes: ConversationNotesTable;
  conversation_reads: ConversationReadsTable;
  inbox_sends: InboxSendsTable;
}

export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type ContactRow = Selectable<ContactsTable>;
export type PhoneNumberRow = Selectable<PhoneNumbersTable>;
export type StatusRow = Selectable<MessageStatusesTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type NewWebhook = Insertable<WebhooksTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
/** A claimed delivery with the body it sends. */
export type DeliveryWithBody = DeliveryRow & { body: string };
export type DeliveryAttemptRow = Selectable<DeliveryAttemptsTable>;
export type MediaRow = Selectable<MediaTable>;
