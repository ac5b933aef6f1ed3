import type { WebhookRow } from '../db/schema.ts';
import { formatInstant, formatOptionalInstant } from '../http/instants.ts';
import { settingsOfRow } from './columns.ts';
import type { WebhookObject } from './schemas.ts';

/**
 * A stored subscription as Kapso's webhook object (kapso-api.md §8.7), with the secret the caller
 * decrypted: Kapso returns `secret_key` in every answer. `paused` / `paused_at` are ours: a webhook
 * paused for failing continuously stays paused until it is resumed with `active: true`.
 */
export function presentWebhook(row: WebhookRow, secretKey: string): WebhookObject {
  const s = settingsOfRow(row);
  return {
    id: row.id,
    url: s.url,
    kind: s.kind,
    events: s.events,
    active: s.active,
    secret_key: secretKey,
    headers: s.headers,
    payload_version: row.payload_version,
    buffer_enabled: s.bufferEnabled,
    buffer_window_seconds: s.bufferWindowSeconds,
    max_buffer_size: s.maxBufferSize,
    buffer_events: s.bufferEvents,
    inactivity_minutes: s.inactivityMinutes,
    phone_number_id: row.phone_number_id,
    project_id: row.project_id,
    created_at: formatInstant(row.created_at),
    updated_at: formatInstant(row.updated_at),
    paused: row.paused_at !== null,
    paused_at: formatOptionalInstant(row.paused_at),
  };
}
