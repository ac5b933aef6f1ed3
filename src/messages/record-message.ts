import type { Kysely, Transaction } from 'kysely';
import { lockMessageKey } from '../db/message-lock.ts';
import type { DB, NewMessage } from '../db/schema.ts';
import { foldStatuses } from './statuses.ts';
import { insertMessageIfAbsent, listStatuses } from './store.ts';

/**
 * Stores a message once per (number, wamid), applying any status events that arrived before it:
 * Meta does not order its POSTs, so a `delivered` can beat the send's answer to the database.
 * Used by ingest and by the send path. Returns false when the message was already stored.
 */
export async function recordMessage(trx: Kysely<DB> | Transaction<DB>, row: NewMessage): Promise<boolean> {
  // Meta sends statuses only for the messages a business sends (meta-cloud-api.md §1.7): an
  // inbound message can have none waiting, so ingest skips the lookup on its hot path.
  if (row.direction === 'inbound') return insertMessageIfAbsent(trx, row);
  await lockMessageKey(trx, row.phone_number_id, row.id);
  const early = await listStatuses(trx, row.phone_number_id, row.id);
  const status = early.length === 0 ? row.status : foldStatuses(row.status, early.map((s) => s.status));
  return insertMessageIfAbsent(trx, { ...row, status });
}
