import type { Kysely, Transaction } from 'kysely';
import type { DB, NewMessage } from '../db/schema.ts';
import { foldStatuses } from './statuses.ts';
import { insertMessageIfAbsent, listStatuses } from './store.ts';

/**
 * Stores a message once per (number, wamid), applying any status events that arrived before it:
 * Meta does not order its POSTs, so a `delivered` can precede the message it is about (for
 * example an echo or a send whose response we have not stored yet). Used by ingest and, for
 * outbound messages, by the send path. Returns false when the message was already stored.
 */
export async function recordMessage(trx: Kysely<DB> | Transaction<DB>, row: NewMessage): Promise<boolean> {
  const early = await listStatuses(trx, row.phone_number_id, row.id);
  const status = early.length === 0 ? row.status : foldStatuses(row.status, early.map((s) => s.status));
  return insertMessageIfAbsent(trx, { ...row, status });
}
