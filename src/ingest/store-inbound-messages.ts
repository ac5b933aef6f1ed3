import type { Transaction } from 'kysely';
import { customerKeyOf, upsertContacts } from '../contacts/store.ts';
import { decideConversation } from '../conversations/lifecycle.ts';
import { type ConversationMessageSummary, endConversation, findLatestConversations, openConversation, recordConversationMessages } from '../conversations/store.ts';
import { writeJson } from '../db/json.ts';
import type { DB, NewMessage } from '../db/schema.ts';
import { queueMessageMedia } from '../media/queue-message-media.ts';
import type { InboundMessageRecord } from '../messages/records.ts';
import { findStoredMessages, insertMessagesIfAbsent, messageKeyOf } from '../messages/store.ts';
import { kapsoDataOf, type StoreContext } from '../messages/store-conversation-message.ts';
import { appendEvents, type OutboxEvent } from '../outbox/events.ts';

/** An inbound message of one payload of the batch, with that payload's context. */
export interface InboundInBatch {
  message: InboundMessageRecord;
  ctx: StoreContext;
}

/**
 * Stores the inbound messages of a whole group-commit batch, each once per (number, wamid), with
 * what storeConversationMessage stores for one message: the contact, the conversation (joined, or
 * opened when the last one ended or went quiet), the message, the conversation's counters and
 * summary, the media download, and the events (conversation ended and created, message
 * received). Each step is one statement for the whole batch on PostgreSQL, where every statement
 * is a round trip (six per message before): the decisions are taken here, message by message in
 * order, on what the batch has read and done so far. Returns, per message, whether it was stored
 * (false for one already stored, or repeated earlier in the batch).
 */
export async function storeInboundMessages(trx: Transaction<DB>, batch: readonly InboundInBatch[]): Promise<boolean[]> {
  const stored = batch.map(() => false);
  // Checked first so a duplicate delivery touches neither the contact nor the conversation.
  const already = await findStoredMessages(trx, batch.map(({ message: m }) => ({ phoneNumberId: m.phoneNumberId, id: m.id })));
  const seen = new Set<string>();
  const fresh: number[] = [];
  batch.forEach(({ message: m }, i) => {
    const key = messageKeyOf(m.phoneNumberId, m.id);
    if (already.has(key) || seen.has(key)) return;
    seen.add(key);
    fresh.push(i);
  });
  if (fresh.length === 0) return stored;

  const items = fresh.map((i) => batch[i] as InboundInBatch);
  // Locks the contacts until commit on PostgreSQL (in key order), so the conversations read next
  // cannot be opened meanwhile by a concurrent transaction for the same customers.
  const contacts = await upsertContacts(trx, items.map(({ message: m, ctx }) => ({ phoneNumberId: m.phoneNumberId, waId: m.waId, profileName: m.profileName, now: ctx.now })));
  const customers = new Map(items.map(({ message: m }) => [customerKeyOf(m.phoneNumberId, m.waId), { phoneNumberId: m.phoneNumberId, waId: m.waId }]));
  const latest = await findLatestConversations(trx, [...customers.values()]);

  const rows: NewMessage[] = [];
  const placed: Array<{ item: InboundInBatch; conversationId: string; opened: boolean; endedId: string | null }> = [];
  for (const item of items) {
    const { message: m, ctx } = item;
    const customer = customerKeyOf(m.phoneNumberId, m.waId);
    const contact = contacts.get(customer);
    if (!contact) throw new Error(`no contact for ${customer}`);
    const atMs = m.timestamp * 1000;
    const current = latest.get(customer);
    let conversationId: string;
    let opened = false;
    let endedId: string | null = null;
    if (current && decideConversation(current, atMs, ctx.inactivityMs) === 'join') {
      conversationId = current.id;
      current.last_active_at = Math.max(current.last_active_at, atMs);
    } else {
      endedId = current?.status === 'active' ? current.id : null;
      if (endedId) await endConversation(trx, endedId, ctx.now);
      conversationId = await openConversation(trx, { phoneNumberId: m.phoneNumberId, contactId: contact.id, waId: m.waId, activeAt: atMs, now: ctx.now });
      opened = true;
      latest.set(customer, { id: conversationId, status: 'active', last_active_at: atMs });
    }
    placed.push({ item, conversationId, opened, endedId });
    rows.push({
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
      // The name this message gave, else the contact's (a message of the batch may have renamed it).
      contact_name: m.profileName ?? contact.profile_name,
      content: m.derived.content,
      payload: writeJson(m.payload),
      kapso_data: writeJson(kapsoDataOf(m.derived)),
      created_at: ctx.now,
      updated_at: ctx.now,
    });
  }

  const inserted = await insertMessagesIfAbsent(trx, rows);
  const summaries = new Map<string, { conversationId: string; count: number; last: ConversationMessageSummary }>();
  const events: Array<{ event: OutboxEvent; now: number }> = [];
  placed.forEach(({ item, conversationId, opened, endedId }, k) => {
    const { message: m, ctx } = item;
    // Stored meanwhile by a concurrent transaction (PostgreSQL): a duplicate after all.
    if (!inserted.has(messageKeyOf(m.phoneNumberId, m.id))) return;
    stored[fresh[k] as number] = true;
    const last: ConversationMessageSummary = { id: m.id, type: m.type, direction: 'inbound', at: m.timestamp * 1000, previewText: m.derived.previewText, now: ctx.now };
    const summary = summaries.get(conversationId);
    if (!summary) summaries.set(conversationId, { conversationId, count: 1, last });
    else {
      summary.count++;
      const now = Math.max(summary.last.now, last.now);
      // The later of equal timestamps wins, as it would updating one message after the other.
      if (last.at >= summary.last.at) summary.last = last;
      summary.last.now = now;
    }
    const base = { phoneNumberId: m.phoneNumberId, conversationId };
    if (endedId) events.push({ event: { type: 'whatsapp.conversation.ended', phoneNumberId: m.phoneNumberId, conversationId: endedId }, now: ctx.now });
    if (opened) events.push({ event: { ...base, type: 'whatsapp.conversation.created' }, now: ctx.now });
    events.push({ event: { ...base, type: 'whatsapp.message.received', messageId: m.id, data: { is_new_conversation: opened } }, now: ctx.now });
  });
  for (const [k, { item }] of placed.entries()) {
    if (stored[fresh[k] as number] && item.message.derived.hasMedia) await queueMessageMedia(trx, { ...item.message, direction: 'inbound' }, item.ctx.now);
  }
  await recordConversationMessages(trx, [...summaries.values()]);
  await appendEvents(trx, events);
  return stored;
}
