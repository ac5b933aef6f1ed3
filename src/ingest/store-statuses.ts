import type { Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.ts';
import { writeJson } from '../db/json.ts';
import { rawQuery } from '../db/raw-query.ts';
import type { DB } from '../db/schema.ts';
import { timeOrderedUuid } from '../db/time-ordered-id.ts';
import type { StatusRecord } from '../messages/records.ts';
import { advanceMessageStatus } from '../messages/advance-status.ts';
import { nextStatus } from '../messages/statuses.ts';
import { insertStatusIfNew, messageKeyOf } from '../messages/store.ts';
import { messageEventForStatus } from '../outbox/event-types.ts';
import { appendEvent } from '../outbox/events.ts';

/** A status event of one payload of the batch, with the time that payload arrived. */
export interface StatusInBatch {
  status: StatusRecord;
  now: number;
}

/**
 * Records a batch's status events in order, as if one after the other: each kept in the history
 * once and, when new, applied to its message without ever moving it backwards; every step that
 * moves a message on fires its event (`whatsapp.message.delivered`…). A status whose message is
 * not stored yet stays in the history (recordMessage applies it). Returns, per status, whether it
 * was new. The caller holds the messages' locks (lockMessageKeys) until commit. On PostgreSQL one
 * statement for the whole batch, and a second only when a message moves on: status by status
 * would be two or three round trips each, made while holding the messages' locks and the
 * contacts', which every other batch sharing a key or a customer would wait out.
 */
export async function recordStatuses(trx: Transaction<DB>, batch: readonly StatusInBatch[]): Promise<boolean[]> {
  if (batch.length === 0) return [];
  if (isPostgres(trx)) return recordInPostgres(trx, batch);
  const isNew: boolean[] = [];
  for (const { status, now } of batch) {
    const stored = await insertStatusIfNew(trx, historyRowOf(status, now));
    if (stored) await applyStatus(trx, status, now);
    isNew.push(stored);
  }
  return isNew;
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

interface Move {
  phoneNumberId: string;
  messageId: string;
  from: string;
  to: string;
  now: number;
}

async function recordInPostgres(trx: Transaction<DB>, batch: readonly StatusInBatch[]): Promise<boolean[]> {
  // A status repeated within the batch is a duplicate of its first copy, as it would be one by one.
  const firsts = new Map<string, number>();
  batch.forEach(({ status: s }, i) => {
    const key = `${messageKeyOf(s.phoneNumberId, s.messageId)}\n${s.dedupeKey}`;
    if (!firsts.has(key)) firsts.set(key, i);
  });
  const candidates = [...firsts.values()];
  const rows = candidates.map((i) => historyRowOf((batch[i] as StatusInBatch).status, (batch[i] as StatusInBatch).now));
  const column = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const stored = await insertStatusesReadingMessages(trx, [
    column('phone_number_id'), column('message_id'), column('status'), column('timestamp'), column('dedupe_key'), column('payload'), column('received_at'),
  ]);
  const isNew = batch.map(() => false);
  // Per stored message: its status before this batch, and its new statuses (batch indexes, in order).
  const byMessage = new Map<string, { current: string; indexes: number[] }>();
  for (const { ord, current } of [...stored].sort((a, b) => a.ord - b.ord)) {
    const index = candidates[ord - 1] as number;
    isNew[index] = true;
    if (current === null) continue;
    const { phoneNumberId, messageId } = (batch[index] as StatusInBatch).status;
    const key = messageKeyOf(phoneNumberId, messageId);
    const entry = byMessage.get(key) ?? { current, indexes: [] };
    entry.indexes.push(index);
    byMessage.set(key, entry);
  }
  await applyInPostgres(trx, batch, byMessage);
  return isNew;
}

/** Moves each message through its new statuses: one statement, then one by one for a message changed meanwhile. */
async function applyInPostgres(trx: Transaction<DB>, batch: readonly StatusInBatch[], byMessage: ReadonlyMap<string, { current: string; indexes: number[] }>): Promise<void> {
  const { moves, events } = planMoves(batch, byMessage);
  if (moves.length === 0) return;
  const moved = await applyMovesFiringEvents(trx, [
    moves.map((m) => m.phoneNumberId), moves.map((m) => m.messageId), moves.map((m) => m.from), moves.map((m) => m.to), moves.map((m) => m.now),
    events.map(() => timeOrderedUuid()), events.map((e) => e.s.phoneNumberId), events.map((e) => e.type), events.map((e) => e.s.messageId),
    events.map((e) => writeJson({ status: e.to, status_timestamp: e.s.timestamp })), events.map((e) => e.now),
  ]);
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
  const moves: Move[] = [];
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

// The statuses kept once each (their order is the history's order of arrival), and for each one
// stored, the status of its message as it stands (null: the message is not stored).
const insertStatusesReadingMessages = rawQuery<{ ord: number; current: string | null }>(
  `with input as (
     select * from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::bigint[])
       with ordinality as i(phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at, ord)),
   stored as (
     insert into message_statuses (phone_number_id, message_id, status, timestamp, dedupe_key, payload, received_at)
     select phone_number_id, message_id, status, timestamp, dedupe_key, payload::jsonb, received_at from input order by ord
     on conflict (phone_number_id, message_id, dedupe_key) do nothing
     returning phone_number_id, message_id, dedupe_key)
   select i.ord, m.status as current from stored s
   join input i on i.phone_number_id = s.phone_number_id and i.message_id = s.message_id and i.dedupe_key = s.dedupe_key
   left join messages m on m.phone_number_id = i.phone_number_id and m.id = i.message_id`,
);

// Each message moved from the status it was read with (compare-and-set), then the events of the
// messages moved, in order.
const applyMovesFiringEvents = rawQuery<{ phone_number_id: string; id: string }>(
  `with moved as (
     update messages m set status = u.to_status, updated_at = u.now
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) as u(phone_number_id, id, from_status, to_status, now)
     where m.phone_number_id = u.phone_number_id and m.id = u.id and m.status = u.from_status
     returning m.phone_number_id, m.id),
   fired as (
     insert into events (id, project_id, phone_number_id, type, conversation_id, message_id, data, created_at, dispatched_at)
     select e.id, null, e.phone_number_id, e.type, null, e.message_id, e.data::jsonb, e.created_at, null
     from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
       with ordinality as e(id, phone_number_id, type, message_id, data, created_at, ord)
     where exists (select 1 from moved where moved.phone_number_id = e.phone_number_id and moved.id = e.message_id)
     order by e.ord
     returning id)
   select phone_number_id, id from moved`,
);
