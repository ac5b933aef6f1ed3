import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/**
 * Serialises, until the transaction ends, everything that touches one message's status: storing
 * the message and recording a status event for it. Without it, on PostgreSQL a send's insert and
 * a status webhook committing side by side could each miss the other and leave the status
 * unapplied. A transaction-scoped advisory lock on PostgreSQL; nothing on SQLite, where a single
 * writer already serialises transactions.
 */
export async function lockMessageKey(trx: Kysely<DB> | Transaction<DB>, phoneNumberId: string, messageId: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${phoneNumberId}:${messageId}`}, 0))`.execute(trx);
}

/**
 * Serialises, until the transaction ends, the decisions about several delivery lanes (one
 * subscription and one conversation each, keys given as strings): fan-out deciding that a new
 * delivery waits behind an earlier one, and the worker releasing the next one when a delivery
 * finishes. Without it, on PostgreSQL each could commit without seeing the other's uncommitted
 * write, and a delivery would wait out its whole 30 s. Locks are taken in one statement, in a
 * fixed order (sorted), so two transactions locking overlapping lanes cannot deadlock. Nothing on
 * SQLite, where a single writer already serialises transactions.
 */
export async function lockDeliveryLanes(trx: Kysely<DB> | Transaction<DB>, laneKeys: readonly string[]): Promise<void> {
  if (laneKeys.length === 0 || !(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  const keys = [...new Set(laneKeys)].map((k) => `lane:${k}`);
  await sql`select pg_advisory_xact_lock(k) from (select hashtextextended(key, 0) as k from unnest(${keys}::text[]) as key order by 1) as lanes`.execute(trx);
}
