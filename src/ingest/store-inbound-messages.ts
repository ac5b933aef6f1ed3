import type { Transaction } from 'kysely';
import { customerKeyOf, upsertContacts } from '../contacts/store.ts';
import { decideConversation } from '../conversations/lifecycle.ts';
import { endConversation, findCurrentConversations, openConversation } from '../conversations/store.ts';
import { writeJson } from '../db/json.ts';
import type { DB } from '../db/schema.ts';
import { queueMessageMedia } from '../media/queue-message-media.ts';
import type { InboundMessageRecord } from '../messages/records.ts';
import { findStoredMessages, messageKeyOf } from '../messages/store.ts';
import { kapsoDataOf, type StoreContext } from '../messages/store-conversation-message.ts';
import type { OutboxEvent } from '../events/append-event.ts';
import { type PlacedInbound, writeInboundMessages } from './store.ts';

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
  const currentOf = await findCurrentConversations(trx, [...customers.values()]);

  // `index`: the message's place in `batch`.
  const placed: Array<PlacedInbound & { index: number; item: InboundInBatch }> = [];
  for (const [k, item] of items.entries()) {
    const { message: m, ctx } = item;
    const customer = customerKeyOf(m.phoneNumberId, m.waId);
    const contact = contacts.get(customer);
    if (!contact) throw new Error(`no contact for ${customer}`);
    const atMs = m.timestamp * 1000;
    const current = currentOf.get(customer);
    let conversationId: string;
    const events: OutboxEvent[] = [];
    let opened = false;
    if (current && decideConversation(current, atMs, ctx.inactivityMs) === 'join') {
      conversationId = current.id;
      current.last_active_at = Math.max(current.last_active_at, atMs);
    } else {
      const endedId = current?.status === 'active' ? current.id : null;
      if (endedId) {
        await endConversation(trx, endedId, ctx.now);
        events.push({ type: 'whatsapp.conversation.ended', phoneNumberId: m.phoneNumberId, conversationId: endedId });
      }
      conversationId = await openConversation(trx, { phoneNumberId: m.phoneNumberId, contactId: contact.id, waId: m.waId, activeAt: atMs, now: ctx.now });
      opened = true;
      events.push({ type: 'whatsapp.conversation.created', phoneNumberId: m.phoneNumberId, conversationId });
      currentOf.set(customer, { id: conversationId, status: 'active', last_active_at: atMs });
    }
    events.push({ type: 'whatsapp.message.received', phoneNumberId: m.phoneNumberId, conversationId, messageId: m.id, data: { is_new_conversation: opened } });
    placed.push({
      item,
      index: fresh[k] as number,
      previewText: m.derived.previewText,
      events,
      row: {
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
      },
    });
  }

  // Those left out were stored meanwhile by a concurrent transaction (PostgreSQL): duplicates after all.
  const inserted = await writeInboundMessages(trx, placed);
  for (const { item, index, row } of placed) {
    if (!inserted.has(messageKeyOf(row.phone_number_id, row.id))) continue;
    stored[index] = true;
    if (item.message.derived.hasMedia) await queueMessageMedia(trx, { ...item.message, direction: 'inbound' }, item.ctx.now);
  }
  return stored;
}
