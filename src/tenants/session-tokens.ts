import { createHash, randomBytes } from 'node:crypto';

/*
 * Secrets of the inbox's sign-in: session cookies and one-time links carry 256 random bits; the
 * store keeps only their SHA-256 (a random secret of that size needs no slow hash), so a leaked
 * copy of the database signs no one in.
 */

/** A new random token for a cookie, a link or a CSRF check (base64url, 43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 hex of a token: the key it is stored under. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string can be one of our tokens at all (checked before any lookup). */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
