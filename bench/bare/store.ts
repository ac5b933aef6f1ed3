/**
 * What the bare server (server.ts) asks of its store, and what both stores share. The rows are
 * the product's for an inbound text message from a known customer (src/messages/
 * store-conversation-messages.ts): the message, once per (number, wamid); its conversation's
 * count and summary; the contact's profile name when it changed; one `whatsapp.message.received`
 * event for the outbox. The full-text index is kept by the schema's own triggers (SQLite) or GIN
 * index (PostgreSQL), as for the product.
 */

/** One inbound message of a verified webhook, as both stores write it. */
export interface InboundMessage {
  phoneNumberId: string;
  waId: string;
  profileName: string | null;
  id: string;
  type: string;
  /** Meta's timestamp, epoch seconds. */
  timestamp: number;
  /** The Meta message object, re-serialised (the product stores it so too). */
  payload: string;
  content: string | null;
  /** The conversation's `last_message_text` should this message be its newest. */
  preview: string;
  /** Epoch ms of the request: created_at and updated_at. */
  now: number;
}

/** A customer's contact and current conversation, read before their messages are placed. */
export interface Place {
  contact_id: string;
  profile_name: string | null;
  conversation_id: string;
  status: string;
  last_active_at: number;
  last_message_at: number | null;
  last_inbound_at: number | null;
}

/** The stored message row as GET by id reads it (the columns presentMessage uses). */
export interface MessageRow {
  id: string;
  phone_number_id: string;
  conversation_id: string;
  direction: string;
  type: string;
  from_id: string | null;
  to_id: string | null;
  timestamp: number | string;
  status: string;
  processing_status: string;
  origin: string;
  has_media: number;
  contact_name: string | null;
  content: string | null;
  /** JSON text on SQLite; parsed jsonb on PostgreSQL. */
  payload: string | Record<string, unknown>;
  kapso_data: string | Record<string, unknown>;
}

export interface BareStore {
  /** Live API keys as SHA-256 hex → project id, and phone number id → project id, read once at start. */
  tenancy(): Promise<{ keys: Map<string, string>; numbers: Map<string, string> }>;
  /** One prepared statement: the message, only if the project owns its number. */
  findMessage(projectId: string, phoneNumberId: string, id: string): Promise<MessageRow | undefined>;
  /** Writes the messages of one event-loop turn in one transaction; resolves after COMMIT. */
  write(messages: readonly InboundMessage[]): Promise<void>;
  /** How many write transactions may be in flight at once (the product's concurrentCommitBatches). */
  readonly concurrentWrites: number;
  close(): Promise<void>;
}

/** The product's default CONVERSATION_INACTIVITY_HOURS: a later message opens a new conversation. */
const INACTIVITY_MS = 24 * 3_600_000;

/**
 * The bare writes only what the bench sends: messages from stored customers whose conversation is
 * active. Opening, ending and creating contacts is the product's lifecycle logic, which the bench's
 * load never reaches; the bare refuses such a message (the whole batch fails, visibly, as 500s)
 * rather than carry that logic.
 */
export function assertJoins(place: Place | undefined, m: InboundMessage): asserts place is Place {
  if (!place || place.status !== 'active' || m.timestamp * 1000 - place.last_active_at > INACTIVITY_MS) {
    throw new Error(`the bare server only joins active conversations of stored customers (${m.waId})`);
  }
}

/** A conversation's new summary after the messages of a batch (the rule of src/db/conversation-summary.ts). */
export interface Summary {
  conversation_id: string;
  count: number;
  /** Null: the conversation keeps its newest message (none of these is newer). */
  last_id: string | null;
  last_type: string | null;
  last_text: string | null;
  last_at: number | null;
  inbound_at: number;
  active_at: number;
  now: number;
}

/**
 * Folds the inserted messages into one summary per conversation, starting from the place read in
 * the same transaction (SQLite's single writer; PostgreSQL's row lock): the newest message (of
 * equal timestamps the later) becomes the preview, activity only moves forward.
 */
export function summarize(inserted: ReadonlyArray<{ m: InboundMessage; place: Place }>): Summary[] {
  const byConversation = new Map<string, Summary>();
  for (const { m, place } of inserted) {
    const at = m.timestamp * 1000;
    let s = byConversation.get(place.conversation_id);
    if (!s) {
      s = { conversation_id: place.conversation_id, count: 0, last_id: null, last_type: null, last_text: null, last_at: place.last_message_at, inbound_at: place.last_inbound_at ?? at, active_at: place.last_active_at, now: m.now };
      byConversation.set(place.conversation_id, s);
    }
    s.count++;
    if (s.last_at === null || s.last_at <= at) Object.assign(s, { last_id: m.id, last_type: m.type, last_text: m.preview, last_at: at });
    s.inbound_at = Math.max(s.inbound_at, at);
    s.active_at = Math.max(s.active_at, at);
    s.now = Math.max(s.now, m.now);
  }
  return [...byConversation.values()];
}
