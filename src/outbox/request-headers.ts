/**
 * The headers of a delivery (kapso-api.md §8.3). The subscription's own headers go first so
 * that ours always win: a receiver must be able to trust the signature and event headers.
 */
export interface DeliveryHeaderInput {
  eventType: string;
  signature: string;
  idempotencyKey: string;
  payloadVersion: string;
  /** Items in a buffered delivery; undefined for a single one. */
  batchSize?: number;
  custom: Record<string, string>;
}

export const USER_AGENT = 'Switchboard-Webhooks/0.1 (+https://github.com/switchboard)';

/** Builds the header map of one delivery request. Pure. */
export function deliveryHeaders(h: DeliveryHeaderInput): Record<string, string> {
  const headers: Record<string, string> = {
    ...h.custom,
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-webhook-event': h.eventType,
    'x-webhook-signature': h.signature,
    'x-idempotency-key': h.idempotencyKey,
    'x-webhook-payload-version': h.payloadVersion,
  };
  if (h.batchSize !== undefined) {
    headers['x-webhook-batch'] = 'true';
    headers['x-batch-size'] = String(h.batchSize);
  }
  return headers;
}
