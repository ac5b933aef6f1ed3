import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';

/** PostgreSQL: one statement for all the messages. */
export async function findStoredMessagesInPostgres(
  db: Kysely<DB> | Transaction<DB>,
  keys: ReadonlyArray<{ phoneNumberId: string; id: string }>,
): Promise<Array<{ phone_number_id: string; id: string }>> {
  if (keys.length === 0) return [];
  return selectStoredMessages(db, [keys.map((k) => k.phoneNumberId), keys.map((k) => k.id)]);
}

const selectStoredMessages = rawQuery<{ phone_number_id: string; id: string }>(
  `select m.phone_number_id, m.id from unnest(?::text[], ?::text[]) as k(phone_number_id, id)
   join messages m on m.phone_number_id = k.phone_number_id and m.id = k.id`,
);
