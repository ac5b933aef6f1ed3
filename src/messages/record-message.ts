import type { Kysely, Transaction } from 'kysely';
import { lockMessageKey } from '../db/message-lock.ts';
import type { DB, NewMessage } from '../db/schema.ts';
import { nextStatus } from './statuses.ts';
import { insertMessageIfAbsent, listStatuses } from './store.ts';

/** A stored message, and the statuses that beat it here and moved it on, in the order applied. */
export interface RecordedMessage {
  inserted: boolean;
  /** Each status the message moved through from its initial one, with the event's Meta timestamp (outbound only). */
  advancedThrough: Array<{ status: string; timestamp: number }>;
}

/**
 * Stores a message once per (number, wamid), applying any status events that arrived before it:
 * Meta does not order its POSTs, so a `delivered` can beat the send's answer to the database.
 * Used by ingest and by the send path. `inserted` is false when the message was already stored.
 */
export async function recordMessage(trx: Kysely<DB> | Transaction<DB>, row: NewMessage): Promise<RecordedMessage> {
  // Meta sends statuses only for the messages a business sends (meta-cloud-api.md §1.7): an
  // inbound message can have none waiting, so ingest skips the lookup on its hot path.
  if (row.direction === 'inbound') return { inserted: await insertMessageIfAbsent(trx, row), advancedThrough: [] };
  await lockMessageKey(trx, row.phone_number_id, row.id);
  const early = await listStatuses(trx, row.phone_number_id, row.id);
  const advancedThrough: RecordedMessage['advancedThrough'] = [];
  let status = row.status;
  for (const s of early) {
    const next = nextStatus(status, s.status);
    if (next !== status) advancedThrough.push({ status: next, timestamp: Number(s.timestamp) });
    status = next;
  }
  const inserted = await insertMessageIfAbsent(trx, { ...row, status });
  return { inserted, advancedThrough: inserted ? advancedThrough : [] };
}
