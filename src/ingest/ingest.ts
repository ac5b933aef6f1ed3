import type { Transaction } from 'kysely';
import { writeJson } from '../db/json.ts';
import { lockMessageKey } from '../db/message-lock.ts';
import type { DB } from '../db/schema.ts';
import type { NormalizedWebhook, StatusRecord } from '../messages/records.ts';
import { advanceMessageStatus } from '../messages/advance-status.ts';
import { storeConversationMessage, type StoreContext } from '../messages/store-conversation-message.ts';
import { insertStatusIfNew } from '../messages/store.ts';
import { messageEventForStatus } from '../outbox/event-types.ts';
import { appendEvent } from '../outbox/events.ts';

export type IngestContext = StoreContext;

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
  for (const m of webhook.messages) {
    const stored = await storeConversationMessage(
      trx,
      { ...m, direction: 'inbound', status: 'received', processingStatus: 'pending' },
      ctx,
    );
    if (stored) outcome.messagesStored++;
    else outcome.duplicateMessages++;
  }
  for (const status of webhook.statuses) {
    if (await recordStatus(trx, status, ctx)) outcome.statusesStored++;
    else outcome.duplicateStatuses++;
  }
  return outcome;
}

/**
 * Keeps a status event in the history once and applies it to its message when stored; a status
 * that moves the message on fires its event (`whatsapp.message.delivered`…) in this transaction.
 */
async function recordStatus(trx: Transaction<DB>, s: StatusRecord, ctx: IngestContext): Promise<boolean> {
  await lockMessageKey(trx, s.phoneNumberId, s.messageId);
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
  // A status whose message is not stored yet stays in the history; recordMessage applies it.
  const outcome = await advanceMessageStatus(trx, s.phoneNumberId, s.messageId, s.status, ctx.now);
  const type = outcome.kind === 'advanced' ? messageEventForStatus(outcome.to) : null;
  if (type && outcome.kind === 'advanced') {
    await appendEvent(trx, { type, phoneNumberId: s.phoneNumberId, messageId: s.messageId, data: { status: outcome.to, status_timestamp: s.timestamp } }, ctx.now);
  }
  return true;
}
