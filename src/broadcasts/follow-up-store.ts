import type { Transaction } from 'kysely';
import type { BroadcastRecipientRow, DB } from '../db/schema.ts';

/**
 * A number's recipients that were sent these wamids. Looked up by wamid alone and the number checked
 * here: with `phone_number_id = ?` in the query, SQLite's planner picks the number's index and
 * reads every recipient of the number for each batch of statuses (quadratic in a broadcast's size).
 */
export async function findRecipientsByWamids(trx: Transaction<DB>, phoneNumberId: string, wamids: readonly string[]): Promise<BroadcastRecipientRow[]> {
  if (wamids.length === 0) return [];
  const rows = await trx.selectFrom('broadcast_recipients').selectAll().where('wamid', 'in', [...wamids]).execute();
  return rows.filter((r) => r.phone_number_id === phoneNumberId);
}

/**
 * A number's recipients among these customers that were sent a broadcast and have not answered it
 * yet. Only the (number, phone) index's columns are in the query, the rest is checked here: a
 * `sent_at` condition makes SQLite's planner range over every sent recipient of the number.
 */
export async function findAwaitingReply(trx: Transaction<DB>, phoneNumberId: string, customers: readonly string[]): Promise<BroadcastRecipientRow[]> {
  if (customers.length === 0) return [];
  const rows = await trx.selectFrom('broadcast_recipients').selectAll().where('phone_number_id', '=', phoneNumberId).where('phone_number', 'in', [...customers]).execute();
  return rows.filter((r) => r.sent_at !== null && r.responded_at === null);
}

/** The project of each of these broadcasts. */
export async function projectsOfBroadcasts(trx: Transaction<DB>, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom('broadcasts').select(['id', 'project_id']).where('id', 'in', [...ids]).execute();
  return new Map(rows.map((r) => [r.id, r.project_id]));
}

/** Whether any broadcast recipient of the number was ever sent: most gateways' events need no follow-up at all. */
export async function numbersWithBroadcastSends(trx: Transaction<DB>, phoneNumberIds: readonly string[]): Promise<Set<string>> {
  if (phoneNumberIds.length === 0) return new Set();
  const rows = await trx
    .selectFrom('broadcasts')
    .select('phone_number_id')
    .distinct()
    .where('phone_number_id', 'in', [...phoneNumberIds])
    .where('status', 'in', ['sending', 'completed', 'stopped', 'failed'])
    .execute();
  return new Set(rows.map((r) => r.phone_number_id));
}
