import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta's `X-Hub-Signature-256`: `sha256=` + lowercase hex HMAC-SHA256 of the exact body bytes,
 * keyed with the app secret (meta-cloud-api.md §1.2). Always computed over the raw bytes:
 * re-serialising parsed JSON would change escapes and spacing and break the match.
 */
export function signPayload(body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Constant-time check of a signature header against the body and one app secret. */
export function verifySignature(body: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const presented = Buffer.from(header.slice('sha256='.length), 'utf8');
  const expected = Buffer.from(signPayload(body, appSecret).slice('sha256='.length), 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** Whether a header has the form Meta sends, so a refusal can tell a malformed one from a wrong one. */
export function isWellFormedSignature(header: string): boolean {
  return /^sha256=[0-9a-f]{64}$/i.test(header);
}
