import { createHash, createHmac } from 'node:crypto';

/**
 * `X-Webhook-Signature` (kapso-api.md §8.3): lowercase hex HMAC-SHA256 of the exact body bytes
 * with the subscription's secret, no `sha256=` prefix. The body is serialised once and these
 * same bytes are sent, so receivers that hash the raw body and those that re-serialise it agree.
 */
export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** The `X-Idempotency-Key` of a raw Meta forward (`meta` kind): SHA-256 hex of the payload (§8.1). */
export function sha256Hex(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}
