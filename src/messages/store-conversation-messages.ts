import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { type ContactHandle, type CustomerInput, customerKeyOf, upsertContacts } from '../contacts/store.ts';
import { chooseConversations, type ConversationChoice } from '../conversations/lifecycle.ts';
import { type ConversationToOpen, endConversation, findCurrentConversations, openConversation, openConversations } from '../conversations/store.ts';
import { lockMessageKeys } from '../db/message-lock.ts';
import type { DB } from '../db/schema.ts';
import { queueMessageMedia } from '../media/queue-message-media.ts';
import { type ConversationMessage, messageWriteOf } from './message-write.ts';
import { applyEarlyStatuses } from './statuses.ts';
import { findStoredMessages, listStatusesOfMessages, messageKeyOf, writeMessages } from './store.ts';

export interface StoreContext {
  now: number;
  inactivityMs: number;
}

type Contact = ContactHandle;

/** A message to store, with the context of the request that brought it. */
export interface MessageToStore {
  message: ConversationMessage;
  ctx: StoreContext;
}

/**
 * The one write path of messages (ingest's batches, and a send as a batch of one): stores each
 * message once per (number, wamid), in order, inside the caller's transaction, with everything
 * that hangs off it: the contact (created, or its profile name refreshed), the conversation
 * (joined, or opened when the last one ended or went quiet), the message (with any status that
 * beat it here applied), the conversation's counters and summary, the download of its media
 * (queued, never awaited), and the outbox events these changes cause (kapso-api.md §8.2). Each
 * step is one statement for the whole batch on PostgreSQL, where every statement is a round
 * trip (db/store-primitives.ts); the decisions are taken here, message by message, on what the
 * batch has read and done so far. Locks are taken in the global order of db/message-lock.ts:
 * contacts, then message keys. Returns, per message, whether it was stored (false for one
 * already stored, repeated earlier in the batch, or stored meanwhile by a concurrent transaction).
 */
export async function storeConversationMessages(trx: Transaction<DB>, batch: readonly MessageToStore[]): Promise<boolean[]> {
  const stored = batch.map(() => false);
  const fresh = await freshIndices(trx, batch);
  if (fresh.length === 0) return stored;
  const items = fresh.map((i) => batch[i] as MessageToStore);
  const customers = items.map(({ message: m, ctx }) => customerOf(m, ctx.now));
  const upserted = await upsertContacts(trx, customers);
  const contacts = customers.map((customer) => {
    const contact = upserted.get(customerKeyOf(customer));
    if (!contact) throw new Error(`no contact for ${customerKeyOf(customer)}`);
    return contact;
  });
  const choices = await placeInConversations(trx, items, contacts);
  const early = await earlyStatusesOf(trx, items);
  const writes = items.map(({ message: m, ctx }, k) => {
    const statuses = early[k] ? applyEarlyStatuses(m.status, early[k]) : { status: m.status, advancedThrough: [] };
    const contact = contacts[k] as Contact;
    return messageWriteOf(m, { choice: choices[k] as ConversationChoice, contactName: contact.profile_name, contactWaId: contact.wa_id, now: ctx.now, ...statuses });
  });
  const inserted = await writeMessages(trx, writes);
  for (const [k, { message: m, ctx }] of items.entries()) {
    if (!inserted.has(messageKeyOf(m.phoneNumberId, m.id))) continue;
    stored[fresh[k] as number] = true;
    if (m.derived.hasMedia) await queueMessageMedia(trx, m, ctx.now);
  }
  return stored;
}

/** The customer a message names, by whichever identifiers it carries (the key of its contact). */
function customerOf(m: ConversationMessage, now: number): CustomerInput {
  return { phoneNumberId: m.phoneNumberId, waId: m.waId, bsuid: m.bsuid ?? null, parentBsuid: m.parentBsuid, username: m.username, countryCode: m.countryCode, profileName: m.profileName, now };
}

/**
 * The places in `batch` of the messages not stored yet, each wamid once. Checked first, so a
 * duplicate delivery touches neither the contact nor the conversation.
 */
async function freshIndices(trx: Transaction<DB>, batch: readonly MessageToStore[]): Promise<number[]> {
  const already = await findStoredMessages(trx, batch.map(({ message: m }) => ({ phoneNumberId: m.phoneNumberId, id: m.id })));
  const fresh: number[] = [];
  batch.forEach(({ message: m }, i) => {
    const key = messageKeyOf(m.phoneNumberId, m.id);
    if (already.has(key)) return;
    already.add(key);
    fresh.push(i);
  });
  return fresh;
}

/**
 * Chooses each message's conversation (conversations/lifecycle.ts) and ends and opens the
 * conversations those choices name, in order. A customer is their contact, whichever identifiers
 * each message carried: a message by BSUID and one by phone of one customer share a conversation.
 * The current conversations are read after the contacts were upserted, whose locks keep a
 * concurrent transaction from opening one meanwhile.
 */
async function placeInConversations(trx: Transaction<DB>, items: readonly MessageToStore[], contacts: readonly Contact[]): Promise<ConversationChoice[]> {
  const current = await findCurrentConversations(trx, [...new Set(contacts.map((c) => c.id))]);
  const choices = chooseConversations(
    items.map(({ message: m, ctx }, k) => ({ customer: (contacts[k] as Contact).id, atMs: m.timestamp * 1000, inactivityMs: ctx.inactivityMs })),
    current,
    randomUUID,
  );
  const toOpen = (k: number): ConversationToOpen => {
    const { message: m, ctx } = items[k] as MessageToStore;
    const contact = contacts[k] as Contact;
    return { id: (choices[k] as ConversationChoice).conversationId, phoneNumberId: m.phoneNumberId, contactId: contact.id, waId: contact.wa_id, bsuid: contact.business_scoped_user_id, activeAt: m.timestamp * 1000, now: ctx.now };
  };
  const opened = new Set(choices.filter((c) => c.opened).map((c) => c.conversationId));
  if (choices.some((c) => c.endedId !== null && opened.has(c.endedId))) {
    // A customer whose conversation opened in this batch also ends it in this batch: in order.
    for (const [k, choice] of choices.entries()) {
      if (choice.endedId) await endConversation(trx, choice.endedId, (items[k] as MessageToStore).ctx.now);
      if (choice.opened) await openConversation(trx, toOpen(k));
    }
    return choices;
  }
  // Otherwise the ends and the opens concern different rows: each kind in one go (a broadcast's
  // batch opens a conversation per recipient).
  for (const [k, choice] of choices.entries()) if (choice.endedId) await endConversation(trx, choice.endedId, (items[k] as MessageToStore).ctx.now);
  await openConversations(trx, choices.flatMap((c, k) => (c.opened ? [toOpen(k)] : [])));
  return choices;
}

/**
 * Per message, the status events stored before it, oldest first. Meta sends statuses only for
 * the messages a business sends (meta-cloud-api.md §1.7): an inbound message can have none
 * waiting, so ingest's batches skip this. The outbound messages' keys are locked first (one
 * statement, db/message-lock.ts), so a status webhook committing meanwhile cannot miss the
 * message while this misses the status.
 */
async function earlyStatusesOf(trx: Transaction<DB>, items: readonly MessageToStore[]): Promise<Array<Array<{ status: string; timestamp: number }>>> {
  const outbound = items.filter(({ message: m }) => m.direction === 'outbound').map(({ message: m }) => ({ phoneNumberId: m.phoneNumberId, messageId: m.id }));
  if (outbound.length === 0) return [];
  await lockMessageKeys(trx, outbound);
  // One read per number for the whole batch, each message's statuses in the history's order.
  const byMessage = new Map<string, Array<{ status: string; timestamp: number }>>();
  for (const phoneNumberId of new Set(outbound.map((o) => o.phoneNumberId))) {
    const ids = outbound.filter((o) => o.phoneNumberId === phoneNumberId).map((o) => o.messageId);
    for (const s of await listStatusesOfMessages(trx, phoneNumberId, ids)) {
      const key = messageKeyOf(phoneNumberId, s.message_id);
      const list = byMessage.get(key) ?? [];
      list.push({ status: s.status, timestamp: Number(s.timestamp) });
      byMessage.set(key, list);
    }
  }
  return items.map(({ message: m }) => (m.direction === 'outbound' ? (byMessage.get(messageKeyOf(m.phoneNumberId, m.id)) ?? []) : []));
}
