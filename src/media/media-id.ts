import { randomBytes } from 'node:crypto';

/**
 * A new media id: a UUIDv7 (RFC 9562 §5.7), 48 bits of milliseconds then 74 random bits. Ids of
 * rows queued one after another sort one after another, so every insert lands at the end of the
 * primary key's b-tree instead of on a random page: ingest queues one row per media message, and
 * on SQLite random keys cost a page write each at commit. The ids stay unguessable (and the
 * `/media/{id}` URLs are signed anyway).
 */
export function newMediaId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
