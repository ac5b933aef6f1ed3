import { type Kysely, PostgresAdapter, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

/** Whether `db` is PostgreSQL, where every statement is a round trip (SQLite runs in-process). */
export function isPostgres(db: Kysely<DB> | Transaction<DB>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * What differs between the dialects for claiming work (style.md rule 9), named in one place.
 * PostgreSQL: several workers claim side by side, each skipping the rows another has locked
 * (`for update skip locked`). SQLite has one writer: a claim inside a write transaction is
 * already exclusive, and the clause does not exist there.
 */
export function claimsSkipLocked(db: Kysely<DB> | Transaction<DB>): boolean {
  return isPostgres(db);
}

/** Adds `for update skip locked` where the dialect has it. */
export function forClaim<S, TB extends keyof S, O>(db: Kysely<DB> | Transaction<DB>, qb: SelectQueryBuilder<S, TB, O>): SelectQueryBuilder<S, TB, O> {
  return claimsSkipLocked(db) ? qb.forUpdate().skipLocked() : qb;
}

/**
 * Adds `for update` (waiting, not skipping) where the dialect has it: for work that must be
 * taken strictly in order, such as the outbox's events. A second worker waits for the rows
 * another is taking, then finds them done and takes the next ones; skipping them let it make the
 * newer events' deliveries first, out of their conversation's order.
 */
export function forClaimInOrder<S, TB extends keyof S, O>(db: Kysely<DB> | Transaction<DB>, qb: SelectQueryBuilder<S, TB, O>): SelectQueryBuilder<S, TB, O> {
  return claimsSkipLocked(db) ? qb.forUpdate() : qb;
}
