import type { NewMessage } from './schema.ts';

/** The columns a new message row is inserted with, in the order messageInsertValues gives them. */
export const MESSAGE_INSERT_COLUMNS = `id, phone_number_id, conversation_id, direction, type, from_id, to_id, timestamp, status,
  processing_status, origin, has_media, contact_name, content, payload, kapso_data, created_at, updated_at`;

/** A new message row's values, in MESSAGE_INSERT_COLUMNS order. */
export function messageInsertValues(row: NewMessage): unknown[] {
  return [
    row.id, row.phone_number_id, row.conversation_id, row.direction, row.type, row.from_id ?? null, row.to_id ?? null,
    row.timestamp, row.status, row.processing_status, row.origin, row.has_media, row.contact_name ?? null,
    row.content ?? null, row.payload, row.kapso_data, row.created_at, row.updated_at,
  ];
}
