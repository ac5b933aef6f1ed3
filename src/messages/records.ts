/**
 * Domain records that ingest (and later the send proxy) produce from Meta's objects, before they
 * are stored. Pure data: normalize.ts builds them, ingest/ingest.ts writes them.
 */

/** Kapso-derived fields computed once, when a message is stored (kapso-api.md §2.2, §2.3). */
export interface DerivedMessageFields {
  hasMedia: boolean;
  /** §2.3 text rendering; null when a type has nothing to render. */
  content: string | null;
  /** Per-type hints (caption, filename, mime type, location values, reaction target…). */
  messageTypeData: Record<string, unknown>;
  /** Parsed `interactive.nfm_reply.response_json`. */
  flowResponse?: unknown;
  flowToken?: string;
  flowName?: string;
  /** The free-text note of an `order` message (Meta's `order.text`). */
  orderText?: string;
  /** Non-empty preview for a conversation's `last_message_text` (caption, body or a marker). */
  previewText: string;
}

/** One inbound `messages[]` item of a Meta webhook, with its routing and contact context. */
export interface InboundMessageRecord {
  /** `value.metadata.phone_number_id`: the business number the message was sent to. */
  phoneNumberId: string;
  /** Customer's wa_id (`messages[].from`, digits); null when Meta sent it empty (a BSUID user). */
  waId: string | null;
  /** The sender's business-scoped user id (`from_user_id`, or the contact's `user_id`). */
  bsuid: string | null;
  parentBsuid: string | null;
  /** `contacts[].profile.username`, when the customer adopted one. */
  username: string | null;
  /** `contacts[].profile.country_code`, given beside the BSUID. */
  countryCode: string | null;
  /** `contacts[].profile.name` of the sender, when Meta sent one. */
  profileName: string | null;
  /** The wamid. */
  id: string;
  type: string;
  /** Epoch seconds. */
  timestamp: number;
  /** The Meta message object exactly as received. */
  payload: Record<string, unknown>;
  derived: DerivedMessageFields;
}

/** One `statuses[]` item of a Meta webhook. */
export interface StatusRecord {
  phoneNumberId: string;
  /** The wamid the status is about. */
  messageId: string;
  status: string;
  /** Epoch seconds. */
  timestamp: number;
  recipientId: string | null;
  /** `status:timestamp:firstErrorCode` (meta-cloud-api.md §1.3 dedup keys). */
  dedupeKey: string;
  /** The unmodified Meta status object. */
  payload: Record<string, unknown>;
}

/** Everything a webhook POST carries that ingest stores. */
export interface NormalizedWebhook {
  messages: InboundMessageRecord[];
  statuses: StatusRecord[];
}
