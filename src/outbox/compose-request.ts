import { createHash } from 'node:crypto';
import type { DeliveryWithBody, WebhookRow } from '../db/schema.ts';
import { readJson } from '../db/json.ts';
import { deliveryHeaders } from './request-headers.ts';
import { sha256Hex, signBody } from './signing.ts';

/** A request ready to send: one delivery, or a buffered batch of a conversation's messages. */
export interface ComposedRequest {
  body: string;
  headers: Record<string, string>;
}

/**
 * Builds the body and headers of a request carrying `items` (one delivery, or a batch when the
 * subscription buffers them, §8.5: "when enabled every delivery is a batch, even of one"). Item
 * bodies are spliced in as stored, never re-serialised, so their bytes stay what was rendered.
 * Pure.
 */
export function composeRequest(items: readonly DeliveryWithBody[], webhook: WebhookRow, secret: string): ComposedRequest {
  const first = items[0];
  if (!first) throw new Error('composeRequest needs at least one delivery');
  const custom = readJson<Record<string, string>>(webhook.headers) ?? {};
  const batch = Number(first.buffered) === 1;
  const body = batch ? batchBody(items, webhook) : first.body;
  // §8.3/§8.6: the event id, stable across retries; SHA-256 of the payload for raw Meta forwards.
  const idempotencyKey = webhook.kind === 'meta' ? sha256Hex(body) : batch ? batchKey(items.map((i) => i.event_id)) : first.event_id;
  return {
    body,
    headers: deliveryHeaders({
      eventType: first.event_type,
      signature: signBody(body, secret),
      idempotencyKey,
      payloadVersion: webhook.payload_version,
      ...(batch ? { batchSize: items.length } : {}),
      custom,
    }),
  };
}

/** §8.5's batch body, in the documented key order. */
function batchBody(items: readonly DeliveryWithBody[], webhook: WebhookRow): string {
  const first = items[0] as DeliveryWithBody;
  const last = items[items.length - 1] as DeliveryWithBody;
  const info = {
    size: items.length,
    window_ms: webhook.buffer_window_seconds * 1000,
    first_sequence: first.seq,
    last_sequence: last.seq,
    conversation_id: first.conversation_id,
  };
  return `{"type":${JSON.stringify(first.event_type)},"batch":true,"data":[${items.map((i) => i.body).join(',')}],"batch_info":${JSON.stringify(info)}}`;
}

/** A batch's idempotency key: the same events batched again get the same key. */
function batchKey(eventIds: readonly string[]): string {
  const hex = createHash('sha256').update([...eventIds].sort().join(',')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
