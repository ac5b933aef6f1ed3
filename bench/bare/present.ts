import type { MessageRow } from './store.ts';

/**
 * A stored message as the product's GET by id answers it without `fields` (kapso(default),
 * src/messages/present.ts): the Meta message with id, timestamp, type, from and to taken from the
 * columns, then the `kapso` block; null values left out. Only what the bench stores (messages
 * without media, without flow or order data); the bench's self-check compares a sample of bodies
 * with the product's before any load.
 */
// Rendered from the columns, never from the payload's copies (and `kapso` is the gateway's own).
const COLUMN_KEYS: ReadonlySet<string> = new Set(['id', 'timestamp', 'type', 'from', 'to', 'kapso']);

export function presentMessage(row: MessageRow): Record<string, unknown> {
  const inbound = row.direction === 'inbound';
  const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>;
  const data = (typeof row.kapso_data === 'string' ? JSON.parse(row.kapso_data) : row.kapso_data) as { message_type_data?: unknown };
  const rest = Object.fromEntries(Object.entries(payload).filter(([key]) => !COLUMN_KEYS.has(key)));
  return withoutNulls({
    id: row.id,
    timestamp: String(row.timestamp),
    type: row.type,
    from: inbound ? row.from_id : null,
    to: inbound ? row.phone_number_id : row.to_id,
    ...rest,
    kapso: withoutNulls({
      direction: row.direction,
      status: row.status,
      processing_status: row.processing_status,
      origin: row.origin,
      phone_number: inbound ? row.from_id : row.to_id,
      phone_number_id: row.phone_number_id,
      has_media: Number(row.has_media) !== 0,
      whatsapp_conversation_id: row.conversation_id,
      contact_name: row.contact_name,
      message_type_data: data.message_type_data ?? {},
      content: row.content,
    }),
  });
}

function withoutNulls(object: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(object)) if (object[key] === null || object[key] === undefined) delete object[key];
  return object;
}
