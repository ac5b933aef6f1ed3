import { createHash, randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { deleteClearedSignInAttempts, insertSignInAttempts, listSignInAttemptsSince, lockSignInKeys } from './sign-in-attempts-store.ts';

/** Failed sign-ins allowed per email and per client address within the window (docs/inbox-api.md). */
export const SIGN_IN_LIMITS = { perEmail: 5, perAddress: 30, windowMs: 15 * 60 * 1000 } as const;

type LimiterDeps = Pick<Deps, 'database' | 'clock'>;

/** An attempt counted by startSignInAttempt, for recordSignInSuccess to un-count. */
export interface CountedSignInAttempt {
  emailKey: string;
  addressAttemptId: string;
}

/** Either the seconds to wait (nothing counted), or the attempt, counted. */
export type SignInAttemptStart = { retryAfterSeconds: number; counted: null } | { retryAfterSeconds: 0; counted: CountedSignInAttempt };

/**
 * Counts an attempt against the email and the client address before its password is checked, so
 * guesses sent all at once are counted as they arrive, not once each scrypt ends (by then every
 * one would have passed the check). The counts live in the database, shared by every serving
 * process and kept across restarts.
 *
 * Why a lock row per key: under PostgreSQL's READ COMMITTED, a count then an insert (or one
 * `insert … select … where (select count(*) …) < limit`) reads a snapshot taken before the
 * statement, so parallel attempts in several processes all see the same count and all pass. Here
 * the transaction first upserts each key's row in sorted key order (one global lock order, so no
 * deadlocks); a concurrent attempt at the same key waits there until this one commits, and its
 * count, a later statement with a fresh snapshot, then sees this attempt. SQLite has one writer,
 * so its write transactions are serialized anyway. Three statements, beside scrypt's ~100 ms.
 */
export async function startSignInAttempt(deps: LimiterDeps, email: string, address: string): Promise<SignInAttemptStart> {
  const now = deps.clock.now();
  const emailKey = keyOf(`e:${email}`);
  const addressKey = keyOf(`a:${address}`);
  const limits = new Map([
    [emailKey, SIGN_IN_LIMITS.perEmail],
    [addressKey, SIGN_IN_LIMITS.perAddress],
  ]);
  const keys = [...limits.keys()].sort();
  return deps.database.db.transaction().execute(async (trx): Promise<SignInAttemptStart> => {
    await lockSignInKeys(trx, keys, now);
    const recent = await listSignInAttemptsSince(trx, keys, now - SIGN_IN_LIMITS.windowMs);
    const waits = keys.map((key) => waitMs(recent.filter((a) => a.key === key).map((a) => a.attempted_at), limits.get(key) ?? 0, now));
    const retryAfterSeconds = Math.ceil(Math.max(...waits) / 1000);
    if (retryAfterSeconds > 0) return { retryAfterSeconds, counted: null };
    const addressAttemptId = randomUUID();
    await insertSignInAttempts(trx, [
      { id: randomUUID(), key: emailKey, attempted_at: now },
      { id: addressAttemptId, key: addressKey, attempted_at: now },
    ]);
    return { retryAfterSeconds: 0, counted: { emailKey, addressAttemptId } };
  });
}

/**
 * The attempt succeeded: the email's failures are cleared, and the attempt no longer counts
 * against the address (whose other failures stay: one address, many guesses).
 */
export async function recordSignInSuccess(deps: LimiterDeps, attempt: CountedSignInAttempt): Promise<void> {
  await deleteClearedSignInAttempts(deps.database.db, attempt.emailKey, attempt.addressAttemptId, deps.clock.now() - SIGN_IN_LIMITS.windowMs);
}

/**
 * How long until one more attempt is allowed, given the window's attempts newest first: 0 under
 * the limit, else until the limit-th newest leaves the window (at least a second).
 */
function waitMs(attemptsNewestFirst: readonly number[], limit: number, now: number): number {
  const freeing = attemptsNewestFirst[limit - 1];
  if (freeing === undefined) return 0;
  return Math.max(1000, freeing + SIGN_IN_LIMITS.windowMs - now);
}

/**
 * The stored key of an email (`e:`) or address (`a:`): a SHA-256, so the table keeps no
 * plaintext of what was guessed (an unknown email is whatever an attacker typed).
 */
function keyOf(subject: string): string {
  return createHash('sha256').update(subject).digest('hex');
}
