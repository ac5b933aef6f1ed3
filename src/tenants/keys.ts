import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `sbk_<prefix>_<secret>`. The prefix is stored in clear and indexed for the
 * lookup; the whole key is stored only as a SHA-256 hash (a 192-bit random secret needs no slow
 * hash) and compared in constant time. The key itself is shown once, at creation.
 */
const KEY_PATTERN = /^sbk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{32})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

/** Creates a new random API key with its lookup prefix and stored hash. */
export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(9).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 12);
  const secret = randomBytes(24).toString('base64url');
  const key = `sbk_${prefix}_${secret}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The prefix of a well-formed key, or null for anything that cannot be one of ours. */
export function prefixOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** SHA-256 hex of a key (or of a verify token). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key against a stored hash. */
export function keyMatchesHash(key: string, storedHash: string): boolean {
  const a = Buffer.from(hashApiKey(key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
