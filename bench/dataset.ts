import { randomUUID } from 'node:crypto';
import { randomWamids, textMessage } from './payloads.ts';

/**
 * The stored history the bench generates: `messages` inbound text messages spread round-robin
 * over `customers` customers, each with one contact and one active conversation, timestamps
 * spread over the last 12 hours (so ingested messages join the existing conversations).
 */
export interface Dataset {
  phoneNumberId: string;
  messages: number;
  customers: number;
  /** Every stored wamid, in insertion order: the GET run picks among them. */
  wamids: string[];
  contactIds: string[];
  conversationIds: string[];
  /** Epoch seconds of message 0; message i is at `startSec + floor(i * spanSec / messages)`. */
  startSec: number;
  spanSec: number;
  /** Epoch milliseconds the rows are stamped as written. */
  nowMs: number;
}

const SPAN_SEC = 12 * 3600;

export function planDataset(phoneNumberId: string, messages: number, customers: number): Dataset {
  const nowMs = Date.now();
  const count = Math.min(customers, messages);
  return {
    phoneNumberId,
    messages,
    customers: count,
    wamids: randomWamids(messages),
    contactIds: Array.from({ length: count }, () => randomUUID()),
    conversationIds: Array.from({ length: count }, () => randomUUID()),
    startSec: Math.floor(nowMs / 1000) - SPAN_SEC - 60,
    spanSec: SPAN_SEC,
    nowMs,
  };
}

/** Customer c's wa_id: 11 digits, like a North American number. */
export function customerWaId(c: number): string {
  return `1555${String(c).padStart(7, '0')}`;
}

export function customerName(c: number): string {
  return `Customer ${c}`;
}

/** Column values of stored message i, in MESSAGE_COLUMNS order. */
export function messageValues(d: Dataset, i: number): Array<string | number | null> {
  const c = i % d.customers;
  const waId = customerWaId(c);
  const id = d.wamids[i] as string;
  const timestamp = messageTimestamp(d, i);
  const message = textMessage(waId, id, timestamp, i);
  return [
    id,
    d.phoneNumberId,
    d.conversationIds[c] as string,
    'inbound',
    'text',
    waId,
    d.phoneNumberId,
    timestamp,
    'received',
    'pending',
    'cloud_api',
    0,
    customerName(c),
    message.text.body,
    JSON.stringify(message),
    '{"message_type_data":{}}',
    timestamp * 1000,
    timestamp * 1000,
  ];
}

export const MESSAGE_COLUMNS = [
  'id',
  'phone_number_id',
  'conversation_id',
  'direction',
  'type',
  'from_id',
  'to_id',
  'timestamp',
  'status',
  'processing_status',
  'origin',
  'has_media',
  'contact_name',
  'content',
  'payload',
  'kapso_data',
  'created_at',
  'updated_at',
] as const;

function messageTimestamp(d: Dataset, i: number): number {
  return d.startSec + Math.floor((i * d.spanSec) / d.messages);
}

/** Column values of customer c's contact, in CONTACT_COLUMNS order. */
export function contactValues(d: Dataset, c: number): Array<string | number | null> {
  return [d.contactIds[c] as string, d.phoneNumberId, customerWaId(c), customerName(c), null, '{}', d.nowMs, d.nowMs, d.conversationIds[c] as string];
}

export const CONTACT_COLUMNS = ['id', 'phone_number_id', 'wa_id', 'profile_name', 'display_name', 'metadata', 'created_at', 'updated_at', 'current_conversation_id'] as const;

/** Column values of customer c's conversation, summarising the messages generated for it. */
export function conversationValues(d: Dataset, c: number): Array<string | number | null> {
  const count = Math.floor((d.messages - 1 - c) / d.customers) + 1;
  const last = c + (count - 1) * d.customers;
  const lastAtMs = messageTimestamp(d, last) * 1000;
  return [
    d.conversationIds[c] as string,
    d.phoneNumberId,
    d.contactIds[c] as string,
    customerWaId(c),
    'active',
    '{}',
    count,
    d.wamids[last] as string,
    'text',
    lastAtMs,
    textMessage(customerWaId(c), '', 0, last).text.body,
    lastAtMs,
    null,
    lastAtMs,
    messageTimestamp(d, c) * 1000,
    d.nowMs,
    null,
  ];
}

export const CONVERSATION_COLUMNS = [
  'id',
  'phone_number_id',
  'contact_id',
  'wa_id',
  'status',
  'metadata',
  'messages_count',
  'last_message_id',
  'last_message_type',
  'last_message_at',
  'last_message_text',
  'last_inbound_at',
  'last_outbound_at',
  'last_active_at',
  'created_at',
  'updated_at',
  'ended_at',
] as const;
