import type { Transaction } from 'kysely';
import { writeJson } from '../db/json.ts';
import type { DB } from '../db/schema.ts';
import { type StatusMove, storePrimitivesOf } from '../db/store-primitives.ts';
import type { StatusRecord } from '../messages/records.ts';
import { advanceMessageStatus } from '../messages/advance-status.ts';
import { nextStatus } from '../messages/statuses.ts';
import { messageKeyOf } from '../messages/store.ts';
import { BROADCAST_TAGGED_STATUS_EVENT, isBroadcastTag, messageEventForStatus } from '../events/event-types.ts';
import { appendEvent, appendEvents } from '../events/append-event.ts';

/** A status event of one payload of the batch, with the time that payload arrived. */
export interface StatusInBatch {
  status: StatusRecord;
  now: number;
}

/**
 * Records a batch's status events in order, as if one after the other: each kept in the history
 * once and, when new, applied to its message without ever moving it backwards; every step that
 * moves a message on fires its event (`whatsapp.message.delivered`…). A status whose message is
 * not stored yet stays in the history (storeConversationMessages applies it). Returns, per status, whether it
 * was new. The caller holds the messages' locks (lockMessageKeys) until commit. The whole batch
 * is kept, then moved, by two store primitives (db/store-primitives.ts): one statement each on
 * PostgreSQL, where status by status cost two or three round trips each made while holding the
 * locks every batch sharing a message or a customer waited out.
 */
export async function recordStatuses(trx: Transaction<DB>, batch: readonly StatusInBatch[]): Promise<boolean[]> {
  if (batch.length === 0) return [];
  // A status repeated within the batch is a duplicate of its first copy, as it would be one by one.
  const firsts = new Map<string, number>();
  batch.forEach(({ status: s }, i) => {
    const key = `${messageKeyOf(s.phoneNumberId, s.messageId)}\n${s.dedupeKey}`;
    if (!firsts.has(key)) firsts.set(key, i);
  });
  const candidates = [...firsts.values()];
  const store = storePrimitivesOf(trx);
  const stored = await store.keepStatuses(trx, candidates.map((i) => historyRowOf((batch[i] as StatusInBatch).status, (batch[i] as StatusInBatch).now)));
  const isNew = batch.map(() => false);
  // Per stored message: its status before this batch, and its new statuses (batch indexes, in order).
  const byMessage = new Map<string, { current: string; indexes: number[] }>();
  const orphans: StatusInBatch[] = [];
  for (const { ord, current } of [...stored].sort((a, b) => a.ord - b.ord)) {
    const index = candidates[ord - 1] as number;
    isNew[index] = true;
    if (current === null) {
      orphans.push(batch[index] as StatusInBatch);
      continue;
    }
    const { phoneNumberId, messageId } = (batch[index] as StatusInBatch).status;
    const key = messageKeyOf(phoneNumberId, messageId);
    const entry = byMessage.get(key) ?? { current, indexes: [] };
    entry.indexes.push(index);
    byMessage.set(key, entry);
  }
  await noteBroadcastTags(trx, orphans);
  await applyStatuses(trx, batch, byMessage);
  return isNew;
}

/**
 * Statuses for messages not stored, tagged by a broadcast send: the outbox's broadcast follow-up
 * learns from them that Meta accepted the send (its answer may have been lost). A status that
 * beats the worker's record of Meta's answer comes here too, which under a fast broadcast is
 * most of them: appended in one go.
 */
async function noteBroadcastTags(trx: Transaction<DB>, orphans: readonly StatusInBatch[]): Promise<void> {
  const events = orphans.flatMap(({ status: s, now }) => {
    const tag = s.payload.biz_opaque_callback_data;
    return isBroadcastTag(tag) ? [{ event: { type: BROADCAST_TAGGED_STATUS_EVENT, phoneNumberId: s.phoneNumberId, messageId: s.messageId, data: { tag, status: s.status } }, now }] : [];
  });
  await appendEvents(trx, events);
}

function historyRowOf(s: StatusRecord, now: number) {
  return { phone_number_id: s.phoneNumberId, message_id: s.messageId, status: s.status, timestamp: s.timestamp, dedupe_key: s.dedupeKey, payload: writeJson(s.payload), received_at: now };
}

/** Applies one stored status to its message (compare-and-set, see advanceMessageStatus) and fires its event. */
async function applyStatus(trx: Transaction<DB>, s: StatusRecord, now: number): Promise<void> {
  const outcome = await advanceMessageStatus(trx, s.phoneNumberId, s.messageId, s.status, now);
  const type = outcome.kind === 'advanced' ? messageEventForStatus(outcome.to) : null;
  if (type && outcome.kind === 'advanced') {
    await appendEvent(trx, { type, phoneNumberId: s.phoneNumberId, messageId: s.messageId, data: { status: outcome.to, status_timestamp: s.timestamp } }, now);
  }
}


/** Moves each message through its new statuses: one statement, then one by one for a message changed meanwhile. */
async function applyStatuses(trx: Transaction<DB>, batch: readonly StatusInBatch[], byMessage: ReadonlyMap<string, { current: string; indexes: number[] }>): Promise<void> {
  const { moves, events } = planMoves(batch, byMessage);
  if (moves.length === 0) return;
  const moved = await storePrimitivesOf(trx).moveMessageStatuses(
    trx,
    moves,
    events.map((e) => ({ phoneNumberId: e.s.phoneNumberId, messageId: e.s.messageId, type: e.type, data: writeJson({ status: e.to, status_timestamp: e.s.timestamp }), now: e.now })),
  );
  // A message whose status changed since it was read (a send marking it read takes no message
  // lock) was left alone with its events: its statuses are applied one by one, each
  // compare-and-set reading it afresh.
  const applied = new Set(moved.map((r) => messageKeyOf(r.phone_number_id, r.id)));
  for (const m of moves) {
    const key = messageKeyOf(m.phoneNumberId, m.messageId);
    if (applied.has(key)) continue;
    for (const index of byMessage.get(key)?.indexes ?? []) await applyStatus(trx, (batch[index] as StatusInBatch).status, (batch[index] as StatusInBatch).now);
  }
}

/**
 * Folds each message's new statuses over its current one (nextStatus): where it ends up, and the
 * event of each step that moved it, in the order of the statuses across the batch.
 */
function planMoves(batch: readonly StatusInBatch[], byMessage: ReadonlyMap<string, { current: string; indexes: number[] }>) {
  const moves: StatusMove[] = [];
  const steps: Array<{ index: number; to: string; type: string }> = [];
  for (const { current, indexes } of byMessage.values()) {
    let status = current;
    let last: StatusInBatch | null = null;
    for (const index of indexes) {
      const item = batch[index] as StatusInBatch;
      const next = nextStatus(status, item.status.status);
      if (next === status) continue;
      const type = messageEventForStatus(next);
      if (type) steps.push({ index, to: next, type });
      status = next;
      last = item;
    }
    // updated_at: when the last status that moved it arrived, as one by one.
    if (last) moves.push({ phoneNumberId: last.status.phoneNumberId, messageId: last.status.messageId, from: current, to: status, now: last.now });
  }
  steps.sort((a, b) => a.index - b.index);
  const events = steps.map(({ index, to, type }) => ({ s: (batch[index] as StatusInBatch).status, now: (batch[index] as StatusInBatch).now, to, type }));
  return { moves, events };
}
