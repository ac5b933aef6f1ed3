import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { writeJson } from '../db/json.ts';
import { upsertContact } from '../contacts/store.ts';
import { decideConversation } from '../conversations/lifecycle.ts';
import { endConversation, findLatestConversation, openConversation, recordConversationMessage } from '../conversations/store.ts';
import type { InboundMessageRecord, NormalizedWebhook, StatusRecord } from '../messages/records.ts';
import { recordMessage } from '../messages/record-message.ts';
import { nextStatus } from '../messages/statuses.ts';
import { findMessageStatus, insertStatusIfNew, messageExists, updateMessageStatus } from '../messages/store.ts';

export interface IngestContext {
  /** Epoch milliseconds of this ingest. */
  now: number;
  /** Inactivity after which a customer's next message opens a new conversation. */
  inactivityMs: number;
}

export interface IngestOutcome {
  messagesStored: number;
  duplicateMessages: number;
  statusesStored: number;
  duplicateStatuses: number;
}

/**
 * Stores one verified webhook inside the caller's transaction: every message once per wamid (with
 * its contact and conversation), every status event once in the history and applied without ever
 * moving backwards. The caller commits, and only then answers Meta with 200.
 */
export async function ingestWebhook(trx: Transaction<DB>, webhook: NormalizedWebhook, ctx: IngestContext): Promise<IngestOutcome> {
  const outcome: IngestOutcome = { messagesStored: 0, duplicateMessages: 0, statusesStored: 0, duplicateStatuses: 0 };
  for (const message of webhook.messages) {
    if (await storeInboundMessage(trx, message, ctx)) outcome.messagesStored++;
    else outcome.duplicateMessages++;
  }
  for (const status of webhook.statuses) {
    if (await recordStatus(trx, status, ctx)) outcome.statusesStored++;
    else outcome.duplicateStatuses++;
  }
  return outcome;
}

/** Stores an inbound message unless its wamid is already stored; returns whether it was new. */
async function storeInboundMessage(trx: Transaction<DB>, m: InboundMessageRecord, ctx: IngestContext): Promise<boolean> {
  // Checked first so a duplicate delivery touches neither the contact nor the conversation.
  if (await messageExists(trx, m.phoneNumberId, m.id)) return false;
  const atMs = m.timestamp * 1000;
  // The contact upsert always writes, so on PostgreSQL it row-locks the contact until commit:
  // concurrent transactions for one customer queue here, and the conversation lookup below never
  // races into opening two conversations.
  const contactId = await upsertContact(trx, { phoneNumberId: m.phoneNumberId, waId: m.waId, profileName: m.profileName, now: ctx.now });
  const conversationId = await conversationFor(trx, m, contactId, atMs, ctx);
  const inserted = await recordMessage(trx, {
    id: m.id,
    phone_number_id: m.phoneNumberId,
    conversation_id: conversationId,
    direction: 'inbound',
    type: m.type,
    from_id: m.waId,
    to_id: m.phoneNumberId,
    timestamp: m.timestamp,
    status: 'received',
    processing_status: 'pending',
    origin: 'cloud_api',
    has_media: m.derived.hasMedia ? 1 : 0,
    contact_name: m.profileName,
    content: m.derived.content,
    payload: writeJson(m.payload),
    kapso_data: writeJson(kapsoDataOf(m)),
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  if (!inserted) return false;
  await recordConversationMessage(trx, conversationId, {
    id: m.id,
    type: m.type,
    direction: 'inbound',
    at: atMs,
    previewText: m.derived.previewText,
    now: ctx.now,
  });
  return true;
}

/** Finds the conversation a message joins, opening a new one (and ending the stale one) if needed. */
async function conversationFor(trx: Transaction<DB>, m: InboundMessageRecord, contactId: string, atMs: number, ctx: IngestContext): Promise<string> {
  const latest = await findLatestConversation(trx, m.phoneNumberId, m.waId);
  if (latest && decideConversation(latest, atMs, ctx.inactivityMs) === 'join') return latest.id;
  if (latest?.status === 'active') await endConversation(trx, latest.id, ctx.now);
  return openConversation(trx, { phoneNumberId: m.phoneNumberId, contactId, waId: m.waId, activeAt: atMs, now: ctx.now });
}

/** Keeps a status event in the history once and applies it to its message when stored. */
async function recordStatus(trx: Transaction<DB>, s: StatusRecord, ctx: IngestContext): Promise<boolean> {
  const isNew = await insertStatusIfNew(trx, {
    phone_number_id: s.phoneNumberId,
    message_id: s.messageId,
    status: s.status,
    timestamp: s.timestamp,
    dedupe_key: s.dedupeKey,
    payload: writeJson(s.payload),
    received_at: ctx.now,
  });
  if (!isNew) return false;
  const current = await findMessageStatus(trx, s.phoneNumberId, s.messageId);
  if (current === undefined) return true; // kept; applied when the message is stored
  const next = nextStatus(current, s.status);
  if (next !== current) await updateMessageStatus(trx, s.phoneNumberId, s.messageId, next, ctx.now);
  return true;
}

function kapsoDataOf(m: InboundMessageRecord): Record<string, unknown> {
  const d = m.derived;
  const data: Record<string, unknown> = { message_type_data: d.messageTypeData };
  if (d.flowResponse !== undefined) data.flow_response = d.flowResponse;
  if (d.flowToken !== undefined) data.flow_token = d.flowToken;
  if (d.flowName !== undefined) data.flow_name = d.flowName;
  if (d.orderText !== undefined) data.order_text = d.orderText;
  return data;
}
