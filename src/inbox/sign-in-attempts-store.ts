import type { Kysely, Transaction } from 'kysely';
import { forClaim } from '../db/dialect.ts';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A counted sign-in attempt at one key. */
export interface SignInAttemptRow {
  id: string;
  key: string;
  attempted_at: number;
}

/**
 * Locks the row of each key, creating it if need be, until `trx` ends: a second transaction for
 * any of these keys waits here. `keys` must come sorted, so that every transaction takes its
 * locks in one global order and two never wait for each other.
 */
export async function lockSignInKeys(trx: Transaction<DB>, keys: readonly string[], now: number): Promise<void> {
  await trx
    .insertInto('sign_in_attempt_keys')
    .values(keys.map((key) => ({ key, last_attempt_at: now })))
    .onConflict((oc) => oc.column('key').doUpdateSet({ last_attempt_at: now }))
    .execute();
}

/** The attempts at these keys made after `since`, newest first. */
export async function listSignInAttemptsSince(db: Db, keys: readonly string[], since: number): Promise<Array<Omit<SignInAttemptRow, 'id'>>> {
  return db.selectFrom('sign_in_attempts').select(['key', 'attempted_at']).where('key', 'in', keys).where('attempted_at', '>', since).orderBy('attempted_at', 'desc').execute();
}

/** Counts attempts (one row per key). */
export async function insertSignInAttempts(db: Db, rows: readonly SignInAttemptRow[]): Promise<void> {
  await db.insertInto('sign_in_attempts').values([...rows]).execute();
}

/**
 * Un-counts what a successful sign-in cleared: every attempt at its email's key, and its own
 * attempt (by id) at its address's key. Only attempts after `since` (the window's start): the
 * purge deletes only attempts a window older still, so the two never wait for each other's rows.
 */
export async function deleteClearedSignInAttempts(db: Db, emailKey: string, attemptId: string, since: number): Promise<void> {
  await db
    .deleteFrom('sign_in_attempts')
    .where('attempted_at', '>', since)
    .where((eb) => eb.or([eb('key', '=', emailKey), eb('id', '=', attemptId)]))
    .execute();
}

/**
 * Deletes up to `limit` attempts made before `before`; returns how many. Skips rows another
 * transaction has locked (PostgreSQL), so a purge never waits in a sign-in's lock order.
 */
export async function deleteSignInAttemptsBefore(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('sign_in_attempts')
    .where('id', 'in', forClaim(db, db.selectFrom('sign_in_attempts').select('id').where('attempted_at', '<', before).limit(limit)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Deletes up to `limit` key rows with no attempt since `before`; returns how many. Skips the rows
 * a sign-in holds (PostgreSQL): deleting them in whatever order the scan finds them, while that
 * sign-in waits for its next key, could deadlock.
 */
export async function deleteIdleSignInKeys(db: Db, before: number, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('sign_in_attempt_keys')
    .where('key', 'in', forClaim(db, db.selectFrom('sign_in_attempt_keys').select('key').where('last_attempt_at', '<', before).limit(limit)))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
