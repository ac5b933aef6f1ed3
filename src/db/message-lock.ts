import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

// The global lock order of a transaction on PostgreSQL (design.md: "A transaction takes its locks
// in one global order"): contacts first (the BSUIDs of the batch's customers, then contact rows:
// upsertContacts, the phone-only ones in one statement in key order), then
// message keys, then the outbox's fan-out, then delivery lanes; within each kind, sorted by the lock's own value. Each kind
// is taken in one statement, all at once, so that two transactions sharing keys queue on the
// first key they share instead of each holding one the other wants.

/**
 * Serialises, until the transaction ends, everything that touches these messages' statuses:
 * storing a message and recording a status event for it. Without it, on PostgreSQL a send's
 * insert and a status webhook committing side by side could each miss the other and leave the
 * status unapplied. Transaction-scoped advisory locks on PostgreSQL, taken in one statement in
 * hash order (payload order deadlocked: a batch with statuses for A then B against one with B
 * then A); nothing on SQLite, where a single writer already serialises transactions.
 */
export async function lockMessageKeys(trx: Kysely<DB> | Transaction<DB>, messages: ReadonlyArray<{ phoneNumberId: string; messageId: string }>): Promise<void> {
  await lockInHashOrder(trx, messages.map((m) => `${m.phoneNumberId}:${m.messageId}`));
}

/**
 * Serialises, until the transaction ends, the contacts of these customers' BSUIDs (keys given as
 * `phone_number_id:bsuid`): the lookup by BSUID, and the contact creation or join that follows it
 * (contacts/store.ts). Unique indexes alone cannot: a contact may gain its BSUID or its phone
 * after it was created. Taken before any contact row, so in the contacts' place of the order.
 * Nothing on SQLite, where a single writer already serialises transactions.
 */
export async function lockCustomerKeys(trx: Kysely<DB> | Transaction<DB>, customerKeys: readonly string[]): Promise<void> {
  await lockInHashOrder(trx, customerKeys.map((k) => `customer:${k}`));
}

/** lockMessageKeys for one message. */
export async function lockMessageKey(trx: Kysely<DB> | Transaction<DB>, phoneNumberId: string, messageId: string): Promise<void> {
  await lockMessageKeys(trx, [{ phoneNumberId, messageId }]);
}

/**
 * Serialises, until the transaction ends, the decisions about several delivery lanes (one
 * subscription and one conversation each, keys given as strings): fan-out deciding that a new
 * delivery waits behind an earlier one, and the worker releasing the next one when a delivery
 * finishes. Without it, on PostgreSQL each could commit without seeing the other's uncommitted
 * write, and a delivery would wait out its whole 30 s. Nothing on SQLite, where a single writer
 * already serialises transactions.
 */
export async function lockDeliveryLanes(trx: Kysely<DB> | Transaction<DB>, laneKeys: readonly string[]): Promise<void> {
  await lockInHashOrder(trx, laneKeys.map((k) => `lane:${k}`));
}

/**
 * Makes this transaction the only fan-out of the outbox until it ends, or answers false at once
 * when another worker's fan-out holds that place (it will take the events: this one has nothing
 * to do). Events must be fanned out strictly in order; workers that fanned out side by side gave
 * a conversation's later events their deliveries first. True on SQLite, where the single writer
 * already makes each fan-out the only one.
 */
export async function tryTakeFanOut(trx: Kysely<DB> | Transaction<DB>): Promise<boolean> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return true;
  // Advisory locks are the database's: the schema names this deployment's outbox.
  const { rows } = await sql<{ taken: boolean }>`select pg_try_advisory_xact_lock(hashtextextended('outbox:fan-out:' || current_schema(), 0)) as taken`.execute(trx);
  return rows[0]?.taken === true;
}

/**
 * Takes a transaction-scoped advisory lock per distinct key, in the order of the locks' 64-bit
 * hashes (two keys may share a hash: the order is still total, the lock taken once).
 */
async function lockInHashOrder(trx: Kysely<DB> | Transaction<DB>, keys: readonly string[]): Promise<void> {
  if (keys.length === 0 || !(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(k) from (select distinct hashtextextended(key, 0) as k from unnest(${[...new Set(keys)]}::text[]) as key order by 1) as locks`.execute(trx);
}
