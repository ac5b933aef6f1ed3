import { type Kysely, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.ts';
import type { BroadcastRecipientRow, BroadcastRow, BroadcastStatus, DB } from '../db/schema.ts';
import { compareAndSetMany } from './recipient-batch-store.ts';
import { compareAndSet } from './recipient-compare-and-set.ts';
import { lockedInIdOrder } from './recipient-lock-order.ts';
import { planRecipientChange, type CounterDeltas, type RecipientChange, type RecipientPlan } from './recipient-changes.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A recipient as add-recipients stores it: pending, due at once. */
export interface NewRecipient {
  id: string;
  phone_number: string;
  components: string;
  send_tag: string;
}

/** Rows per INSERT: 1,000 recipients × 18 columns would pass SQLite's bound-parameter limit. */
const INSERT_CHUNK = 400;

/**
 * Adds recipients to a draft or scheduled broadcast, in one transaction with its counters:
 * a recipient whose number is already on the broadcast is skipped (the unique pair), and if the
 * broadcast left draft/scheduled meanwhile (a concurrent send or clear), nothing is added.
 * Returns how many were added, or null when the broadcast no longer takes recipients.
 */
export async function insertRecipients(db: Kysely<DB>, broadcast: BroadcastRow, rows: readonly NewRecipient[], now: number): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    let added = 0;
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const values = rows.slice(i, i + INSERT_CHUNK).map((r) => ({
        ...r,
        broadcast_id: broadcast.id,
        phone_number_id: broadcast.phone_number_id,
        status: 'pending' as const,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
        wamid: null,
        locked_by: null,
        locked_until: null,
        outcome_unknown_at: null,
        sent_at: null,
        delivered_at: null,
        read_at: null,
        failed_at: null,
        responded_at: null,
        error_message: null,
        error_details: null,
      }));
      const inserted = await trx.insertInto('broadcast_recipients').values(values).onConflict((oc) => oc.columns(['broadcast_id', 'phone_number']).doNothing()).returning('id').execute();
      added += inserted.length;
    }
    const allowed: BroadcastStatus[] = ['draft', 'scheduled'];
    const updated = await trx
      .updateTable('broadcasts')
      .set((eb) => ({ total_recipients: eb('total_recipients', '+', added), pending_count: eb('pending_count', '+', added), updated_at: now }))
      .where('id', '=', broadcast.id)
      .where('status', 'in', allowed)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return added;
    throw new BroadcastMoved();
  }).catch((err: unknown) => {
    if (err instanceof BroadcastMoved) return null;
    throw err;
  });
}

/** Rolls insertRecipients' transaction back when the broadcast left draft/scheduled. */
class BroadcastMoved extends Error {}

/**
 * Clears a draft or scheduled broadcast's recipients and returns it to draft with its schedule
 * cleared (T6), counters zeroed in the same transaction. Undefined when it is in no such status.
 */
export async function clearRecipients(db: Kysely<DB>, projectId: string, id: string, now: number): Promise<BroadcastRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const allowed: BroadcastStatus[] = ['draft', 'scheduled'];
    const row = await trx
      .updateTable('broadcasts')
      .set({ status: 'draft', scheduled_at: null, updated_at: now, total_recipients: 0, pending_count: 0, sent_count: 0, failed_count: 0, delivered_count: 0, read_count: 0, responded_count: 0 })
      .where('id', '=', id)
      .where('project_id', '=', projectId)
      .where('status', 'in', allowed)
      .returningAll()
      .executeTakeFirst();
    if (row) await trx.deleteFrom('broadcast_recipients').where('broadcast_id', '=', id).execute();
    return row;
  });
}

/** One offset page of a broadcast's recipients, in the order they were added. */
export async function listRecipientsPage(db: Db, broadcastId: string, offset: number, limit: number): Promise<BroadcastRecipientRow[]> {
  return db.selectFrom('broadcast_recipients').selectAll().where('broadcast_id', '=', broadcastId).orderBy('seq').offset(offset).limit(limit).execute();
}

/** The recipients the broadcast already has among these numbers. */
export async function existingNumbers(db: Db, broadcastId: string, numbers: readonly string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db.selectFrom('broadcast_recipients').select('phone_number').where('broadcast_id', '=', broadcastId).where('phone_number', 'in', [...numbers]).execute();
  return new Set(rows.map((r) => r.phone_number));
}

/** How many times a compare-and-set is retried when a concurrent change to the same recipient won. */
const MAX_RACES = 5;

/** One change to one recipient, by id. */
export interface RecipientChangeOf {
  recipientId: string;
  change: RecipientChange;
}

/**
 * THE way a recipient's state changes (sent, failed, delivered, read, responded, retry, outcome
 * unknown): the worker, status webhooks and replies all go through it. The row and the
 * broadcast's counters change in one transaction, the row only if it is still as it was read
 * (compare-and-set on status and the timestamps the plan looks at), so counters never drift
 * from the rows, whatever the concurrency (kapso-broadcasts.md §4). Returns the updated row, or
 * undefined when the change changes nothing (unknown recipient, repeated or late event).
 */
export async function applyRecipientChange(db: Kysely<DB>, recipientId: string, change: RecipientChange, now: number): Promise<BroadcastRecipientRow | undefined> {
  const [row] = await db.transaction().execute((trx) => applyRecipientChanges(trx, [{ recipientId, change }], now));
  return row ?? undefined;
}

/**
 * applyRecipientChange for many changes inside the caller's transaction, in order: the rows are
 * read in one query, each changed by its compare-and-set (a row a concurrent transaction changed
 * meanwhile is read again and planned afresh), and each broadcast's counters move once by the sum
 * of its rows' deltas. Returns, per change, the updated row or null when it changed nothing.
 * `inRounds` (default: on PostgreSQL) writes the compare-and-sets a round at a time (applyInRounds):
 * a batch holds its locks (its rows, and the message keys of the send recorder's messages, which
 * status webhooks wait on) for a few statements instead of one round trip per change. With the
 * rows locked in id order, the send recorder's rounds raised PostgreSQL's broadcast rate at
 * 1,000/s from 0.49 to 0.59–0.64 × (BENCHMARKS.md).
 */
export async function applyRecipientChanges(trx: Transaction<DB>, changes: readonly RecipientChangeOf[], now: number, opts: { inRounds?: boolean } = {}): Promise<Array<BroadcastRecipientRow | null>> {
  if (changes.length === 0) return [];
  const ids = [...new Set(changes.map((c) => c.recipientId))];
  // Every row this transaction changes, locked at once (lockedInIdOrder says why).
  const locked = lockedInIdOrder(trx, trx.selectFrom('broadcast_recipients').selectAll().where('id', 'in', ids));
  const current = new Map((await locked.execute()).map((r) => [r.id, r]));
  const totals = new Map<string, CounterDeltas>();
  const results: Array<BroadcastRecipientRow | null> = changes.map(() => null);
  // On PostgreSQL, rounds of one statement each (a recipient's changes in order, one per round);
  // a change that lost its race there, and every change on SQLite, goes one by one below.
  const oneByOne = isPostgres(trx) && opts.inRounds !== false && changes.length > 1 ? await applyInRounds(trx, changes, current, totals, results, now) : changes.map((_, i) => i);
  for (const i of oneByOne) {
    const { recipientId, change } = changes[i] as RecipientChangeOf;
    for (let race = 0; ; race++) {
      const before = current.get(recipientId);
      const plan = before ? planRecipientChange(before, change) : null;
      if (!before || !plan) break;
      const updated = await compareAndSet(trx, before, plan.set, now);
      if (updated) {
        results[i] = updated;
        current.set(recipientId, updated);
        addDeltas(totals, before.broadcast_id, plan.deltas);
        break;
      }
      if (race >= MAX_RACES) throw new Error(`recipient ${recipientId}: lost ${MAX_RACES} races in a row applying ${change.kind}`);
      const fresh = await trx.selectFrom('broadcast_recipients').selectAll().where('id', '=', recipientId).executeTakeFirst();
      if (fresh) current.set(recipientId, fresh);
      else current.delete(recipientId);
    }
  }
  for (const [broadcastId, deltas] of totals) await addToCounters(trx, broadcastId, deltas, now);
  return results;
}

/**
 * The batched form of the loop above, for PostgreSQL: each round plans the next change of every
 * recipient still having one on the rows as they stand and writes them in one statement. Returns
 * the indexes of the changes left to the one-by-one loop: those whose compare-and-set lost a race
 * (read again there), and every later change of the same recipient, in order.
 */
async function applyInRounds(
  trx: Transaction<DB>,
  changes: readonly RecipientChangeOf[],
  current: Map<string, BroadcastRecipientRow>,
  totals: Map<string, CounterDeltas>,
  results: Array<BroadcastRecipientRow | null>,
  now: number,
): Promise<number[]> {
  const queues = new Map<string, number[]>();
  changes.forEach((c, i) => queues.set(c.recipientId, [...(queues.get(c.recipientId) ?? []), i]));
  const left: number[] = [];
  while (queues.size > 0) {
    const round: Array<{ index: number; plan: RecipientPlan; before: BroadcastRecipientRow }> = [];
    for (const [recipientId, queue] of queues) {
      const index = queue.shift() as number;
      if (queue.length === 0) queues.delete(recipientId);
      const before = current.get(recipientId);
      const plan = before ? planRecipientChange(before, changes[index]?.change as RecipientChange) : null;
      if (before && plan) round.push({ index, plan, before });
    }
    if (round.length === 0) continue;
    // Rows locked in id order, as any other batch locks them: two batches never wait on each other in a cycle.
    round.sort((x, y) => (x.before.id < y.before.id ? -1 : x.before.id > y.before.id ? 1 : 0));
    const updated = new Map((await compareAndSetMany(trx, round.map(({ before, plan }) => ({ before, set: plan.set })), now)).map((r) => [r.id, r]));
    for (const { index, plan, before } of round) {
      const row = updated.get(before.id);
      if (!row) {
        // Lost a race: this change and the recipient's later ones go one by one, in order.
        left.push(index, ...(queues.get(before.id) ?? []));
        queues.delete(before.id);
        continue;
      }
      results[index] = row;
      current.set(before.id, row);
      addDeltas(totals, before.broadcast_id, plan.deltas);
    }
  }
  return left.sort((a, b) => a - b);
}

function addDeltas(totals: Map<string, CounterDeltas>, broadcastId: string, deltas: CounterDeltas): void {
  const sum = totals.get(broadcastId) ?? {};
  for (const [name, d] of Object.entries(deltas) as Array<[keyof CounterDeltas, number]>) sum[name] = (sum[name] ?? 0) + d;
  totals.set(broadcastId, sum);
}

async function addToCounters(trx: Transaction<DB>, broadcastId: string, deltas: CounterDeltas, now: number): Promise<void> {
  const entries = Object.entries(deltas).filter(([, d]) => d !== 0) as Array<[keyof CounterDeltas, number]>;
  if (entries.length === 0) return;
  await trx
    .updateTable('broadcasts')
    .set((eb) => ({ ...Object.fromEntries(entries.map(([column, d]) => [column, eb(column, '+', d)])), updated_at: now }))
    .where('id', '=', broadcastId)
    .execute();
}
