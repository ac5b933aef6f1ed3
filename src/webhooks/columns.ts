import { readJson, writeJson } from '../db/json.ts';
import type { WebhookRow } from '../db/schema.ts';
import type { WebhookSettings } from './settings.ts';

/** The `webhooks` columns that hold a subscription's settings. */
export interface SettingsColumns {
  url: string;
  kind: 'kapso' | 'meta';
  events: string;
  active: number;
  headers: string;
  payload_version: string;
  buffer_enabled: number;
  buffer_window_seconds: number;
  max_buffer_size: number;
  buffer_events: string;
  inactivity_minutes: number;
}

/** Settings as columns: JSON arrays and objects as JSON, booleans as 0/1 (db/schema.ts). */
export function settingsColumns(s: WebhookSettings): SettingsColumns {
  return {
    url: s.url,
    kind: s.kind,
    events: writeJson(s.events),
    active: s.active ? 1 : 0,
    headers: writeJson(s.headers),
    payload_version: s.payloadVersion,
    buffer_enabled: s.bufferEnabled ? 1 : 0,
    buffer_window_seconds: s.bufferWindowSeconds,
    max_buffer_size: s.maxBufferSize,
    buffer_events: writeJson(s.bufferEvents),
    inactivity_minutes: s.inactivityMinutes,
  };
}

/** The settings a stored row holds. */
export function settingsOfRow(row: WebhookRow): WebhookSettings {
  return {
    url: row.url,
    kind: row.kind,
    events: readJson<string[]>(row.events),
    active: row.active === 1,
    headers: readJson<Record<string, string>>(row.headers),
    payloadVersion: 'v2',
    bufferEnabled: row.buffer_enabled === 1,
    bufferWindowSeconds: row.buffer_window_seconds,
    maxBufferSize: row.max_buffer_size,
    bufferEvents: readJson<string[]>(row.buffer_events),
    inactivityMinutes: row.inactivity_minutes,
  };
}
