import type { SimIdentity } from './identities.ts';
import type { TokenBucket } from '../pacing/token-bucket.ts';
import { SendTally } from './send/send-tally.ts';
import type { ThroughputWindow } from './send/throughput-window.ts';

/** A business phone number as Meta knows it: its WABA, token and app secret (§0, §1.2). */
export interface SimNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifiedName: string;
  /** Its messaging-limit tier as `GET /{phone_number_id}` gives it (reported, not enforced); default `TIER_UNLIMITED`. */
  messagingLimitTier?: string;
  /** Where this number's webhooks go; falls back to the simulator's `webhookUrl`. */
  webhookUrl?: string;
}

/** Scripted behaviour of one customer (control API `POST /_simulator/recipients/{wa_id}`). */
export interface RecipientBehaviour {
  /** Meta error code every send to this customer fails with (status `failed`). */
  failWith?: number;
  /** The last status before `failed`: none, `sent`, or `delivered` (multi-device, §1.7). */
  failAfter: 'accepted' | 'sent' | 'delivered';
  /** False: messages are delivered but never read. */
  read: boolean;
  /** False: not a WhatsApp user, so every send fails with 131026 (§4.2). */
  onWhatsApp: boolean;
  /** Refuses MARKETING templates with 131050 (§4.2): from every number, or from these phone number ids. */
  marketingOptOut: boolean | string[];
  /** Answers each template it gets with a text (unless an `autoReply` function decides). */
  answers: boolean;
}

/** One status event as it was emitted. */
export interface StatusEvent {
  status: string;
  timestamp: string;
}

/** A message that went through the simulator, either way. */
export interface SimMessage {
  id: string;
  direction: 'outbound' | 'inbound';
  phoneNumberId: string;
  /** The customer's wa_id (or group id); a send to an unknown BSUID keys the customer by it. */
  waId: string;
  /** The customer's BSUID, when they have one (identities.ts). */
  bsuid?: string;
  type: string;
  /** Outbound: the request body as received. Inbound: the `messages[]` item sent. */
  payload: Record<string, unknown>;
  /** Outbound: the latest emitted status (`accepted` until the first webhook). */
  status: string;
  statuses: StatusEvent[];
  createdAtMs: number;
  /** Inbound: marked as read by the business (§2.4), with a typing indicator or not. */
  markedRead?: boolean;
  typingIndicator?: boolean;
}

/** Uploaded or customer-sent media (§3). */
export interface SimMedia {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  data: Buffer;
  sha256Hex: string;
  filename?: string;
  createdAtMs: number;
  /** 30 days for uploads, 7 days for media received in webhooks (§3). */
  expiresAtMs: number;
}

/** A message template in its stored, read-side (uppercase) shape (§6.2). */
export interface SimTemplate {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  parameterFormat: 'NAMED' | 'POSITIONAL';
  components: Record<string, unknown>[];
  status: string;
  createdAtMs: number;
  /** When the template was edited while APPROVED, within the last 30 days (§6.3's limits). */
  approvedEditsAtMs?: number[];
}

/** One entry of a flow's `validation_errors` (kapso-api.md §6.8), snake-cased as Meta sends it. */
export interface FlowValidationError {
  error: string;
  error_type: string;
  message: string;
  line_start: number;
  line_end: number;
  column_start: number;
  column_end: number;
  pointers: { line_start: number; line_end: number; column_start: number; column_end: number; path: string }[];
}

/** A WhatsApp Flow of a WABA: DRAFT → PUBLISHED → DEPRECATED. */
export interface SimFlow {
  id: string;
  wabaId: string;
  name: string;
  categories: string[];
  status: 'DRAFT' | 'PUBLISHED' | 'DEPRECATED';
  /** The Flow JSON as last uploaded (text), if any. */
  flowJson?: string;
  validationErrors: FlowValidationError[];
  endpointUri?: string;
  /** The current preview link's token and expiry; a new one on `preview.invalidate(true)`. */
  preview?: { token: string; expiresAtMs: number };
  createdAtMs: number;
}

/** A WhatsApp call through a simulated number (calls/call-service.ts). */
export interface SimCall {
  /** `wacid.…`. */
  id: string;
  phoneNumberId: string;
  /** The customer: the callee of an outbound call, the caller of an inbound one. */
  waId: string;
  direction: 'inbound' | 'outbound';
  state: 'ringing' | 'pre_accepted' | 'accepted' | 'ended';
  startedAtMs: number;
  answeredAtMs?: number;
  bizOpaqueCallbackData?: string;
}

/** One POST of one webhook payload, with every attempt made for it. */
export interface DeliveryRecord {
  id: string;
  url: string;
  phoneNumberIds: string[];
  itemCount: number;
  duplicate: boolean;
  payload: unknown;
  outcome: 'pending' | 'delivered' | 'failed';
  attempts: { attempt: number; at: string; statusCode: number | null; error?: string; durationMs: number }[];
}

/** Everything the simulator remembers, in memory; `clear()` forgets it all. */
export class SimulatorState {
  readonly numbers = new Map<string, SimNumber>();
  readonly templates = new Map<string, SimTemplate>();
  readonly flows = new Map<string, SimFlow>();
  readonly media = new Map<string, SimMedia>();
  /** Download URL token → media id and the moment the URL stops working (§3: 5 minutes). */
  readonly mediaUrls = new Map<string, { mediaId: string; expiresAtMs: number }>();
  readonly messages: SimMessage[] = [];
  readonly messagesById = new Map<string, SimMessage>();
  /** `${phone_number_id}:${wa_id}` → time of the customer's last message (§5.5). */
  readonly lastInboundAt = new Map<string, number>();
  /** `${phone_number_id}:${wa_id}` → the customer's profile name as last injected. */
  readonly profileNames = new Map<string, string>();
  readonly recipients = new Map<string, RecipientBehaviour>();
  /** wa_id → the customer's BSUID, username and phone visibility (identities.ts). */
  readonly identities = new Map<string, SimIdentity>();
  /** BSUID → wa_id, for sends addressed by `recipient`. */
  readonly phonesByBsuid = new Map<string, string>();
  /** Per number: the sends accepted in the last second (§5.1). */
  readonly throughput = new Map<string, ThroughputWindow>();
  readonly pairs = new Map<string, TokenBucket>();
  readonly deliveries: DeliveryRecord[] = [];
  readonly calls = new Map<string, SimCall>();
  /** What Meta accepted and refused, per (number, customer) (`GET /_simulator/sends`). */
  readonly sends = new SendTally();

  /** The numbers a bearer token may act for. */
  numbersForToken(token: string): SimNumber[] {
    return [...this.numbers.values()].filter((n) => n.accessToken === token);
  }

  /** Records a message and indexes it by wamid. */
  addMessage(message: SimMessage): void {
    this.messages.push(message);
    this.messagesById.set(message.id, message);
  }

  /** The templates of one WABA in creation order. */
  templatesOf(wabaId: string): SimTemplate[] {
    return [...this.templates.values()].filter((t) => t.wabaId === wabaId);
  }

  /** The flows of one WABA in creation order. */
  flowsOf(wabaId: string): SimFlow[] {
    return [...this.flows.values()].filter((f) => f.wabaId === wabaId);
  }

  /** Forgets everything (control API `POST /_simulator/reset`). */
  clear(): void {
    for (const map of [this.numbers, this.templates, this.flows, this.media, this.mediaUrls, this.messagesById, this.lastInboundAt, this.profileNames, this.recipients, this.identities, this.phonesByBsuid, this.throughput, this.pairs, this.calls]) {
      map.clear();
    }
    this.messages.length = 0;
    this.deliveries.length = 0;
    this.sends.clear();
  }
}

/** The key of a (business number, customer) pair: the 24-hour window and the pair rate. */
export function pairKey(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}:${waId}`;
}
