/**
 * Meta webhook POST body → the records ingest stores (meta-cloud-api.md §1.4–§1.7). Pure.
 */
import type { z } from 'zod';
import { errors } from '../http/errors.ts';
import { deriveMessageFields } from '../messages/derive.ts';
import type { InboundMessageRecord, NormalizedWebhook, StatusRecord } from '../messages/records.ts';
import {
  messagesValueSchema,
  metaWebhookSchema,
  type MessagesValue,
  type MetaContact,
  type MetaMessage,
  type MetaStatus,
  type MetaWebhook,
} from './schemas.ts';

/** Builds message and status records from every `messages` change of a webhook; throws a 400 GraphError when the envelope is malformed. */
export function normalizeWebhook(payload: unknown): NormalizedWebhook {
  const envelope = validate(metaWebhookSchema, payload, []) as MetaWebhook;
  const result: NormalizedWebhook = { messages: [], statuses: [] };
  envelope.entry.forEach((entry, entryIndex) => {
    entry.changes.forEach((change, changeIndex) => {
      // Other fields (template updates, account alerts…) are not messages: store-and-ignore (§1.4).
      if (change.field !== 'messages') return;
      const path = ['entry', entryIndex, 'changes', changeIndex, 'value'];
      const value = validate(messagesValueSchema, change.value, path) as MessagesValue;
      const phoneNumberId = value.metadata.phone_number_id;
      for (const message of value.messages ?? []) {
        result.messages.push(toMessageRecord(phoneNumberId, message, value.contacts ?? []));
      }
      for (const status of value.statuses ?? []) {
        result.statuses.push(toStatusRecord(phoneNumberId, status));
      }
    });
  });
  return result;
}

/** The distinct `value.metadata.phone_number_id`s a payload (object or raw JSON text) names; [] for anything unparsable. */
export function phoneNumberIdsOf(payload: unknown): string[] {
  const body = typeof payload === 'string' || payload instanceof Uint8Array ? parseQuietly(payload) : payload;
  const ids = new Set<string>();
  for (const entry of arrayAt(body, 'entry')) {
    for (const change of arrayAt(entry, 'changes')) {
      const id = propertyOf(propertyOf(propertyOf(change, 'value'), 'metadata'), 'phone_number_id');
      if (typeof id === 'string' && id !== '') ids.add(id);
    }
  }
  return [...ids];
}

/**
 * Checks `input` against `schema` without using zod's output: the schemas have no transforms, so
 * a valid input is its own value and keeps its key order and unknown keys exactly as received.
 */
function validate(schema: z.ZodType, input: unknown, basePath: PropertyKey[]): unknown {
  const result = schema.safeParse(input);
  if (result.success) return input;
  const issue = result.error.issues[0];
  const path = formatPath([...basePath, ...(issue?.path ?? [])]);
  throw errors.invalidParameter(path, `Webhook payload field '${path}' is invalid: ${issue?.message ?? 'malformed'}.`);
}

function toMessageRecord(phoneNumberId: string, message: MetaMessage, contacts: MetaContact[]): InboundMessageRecord {
  const contact = senderOf(message, contacts);
  const payload = message as Record<string, unknown>;
  return {
    phoneNumberId,
    // Meta's docs show `from` both bare and with '+'; with BSUIDs it may be empty or absent (§1.5).
    waId: digitsOrNull(message.from) ?? digitsOrNull(contact?.wa_id),
    bsuid: nonEmpty(message.from_user_id) ?? nonEmpty(contact?.user_id),
    parentBsuid: nonEmpty(message.from_parent_user_id) ?? nonEmpty(contact?.parent_user_id),
    username: nonEmpty(contact?.profile?.username),
    countryCode: nonEmpty(contact?.profile?.country_code),
    profileName: contact?.profile?.name ?? null,
    id: message.id,
    type: message.type,
    timestamp: Number(message.timestamp),
    payload,
    derived: deriveMessageFields(payload),
  };
}

/**
 * The `contacts[]` entry of the sender: the one matching the sender's phone or BSUID, else the
 * only one (system messages have none).
 */
function senderOf(message: MetaMessage, contacts: MetaContact[]): MetaContact | undefined {
  const waId = digitsOrNull(message.from);
  const bsuid = nonEmpty(message.from_user_id);
  return (
    contacts.find((contact) => waId !== null && digitsOrNull(contact.wa_id) === waId) ??
    contacts.find((contact) => bsuid !== null && contact.user_id === bsuid) ??
    (contacts.length === 1 ? contacts[0] : undefined)
  );
}

function digitsOrNull(value: string | undefined): string | null {
  return value ? value.replace(/^\+/, '') || null : null;
}

function nonEmpty(value: string | undefined): string | null {
  return value ? value : null;
}

function toStatusRecord(phoneNumberId: string, status: MetaStatus): StatusRecord {
  const timestamp = Number(status.timestamp);
  return {
    phoneNumberId,
    messageId: status.id,
    status: status.status,
    timestamp,
    recipientId: status.recipient_id || status.recipient_user_id || null,
    // §1.3: one delivery per (status, time, error) so retried webhooks collapse but delivered+failed both stay.
    dedupeKey: `${status.status}:${timestamp}:${status.errors?.[0]?.code ?? ''}`,
    payload: status as Record<string, unknown>,
  };
}

/** `['entry', 0, 'changes']` → `entry[0].changes`. */
function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    return text === '' ? String(key) : `${text}.${String(key)}`;
  }, '') || 'payload';
}

function parseQuietly(raw: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch {
    return undefined;
  }
}

function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function arrayAt(value: unknown, key: string): unknown[] {
  const found = propertyOf(value, key);
  return Array.isArray(found) ? found : [];
}
