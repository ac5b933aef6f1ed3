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
