import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';

/** SQLite: a point read per message. */
export async function findStoredMessagesInSqlite(
  db: Kysely<DB> | Transaction<DB>,
  keys: ReadonlyArray<{ phoneNumberId: string; id: string }>,
): Promise<Array<{ phone_number_id: string; id: string }>> {
  const stored: Array<{ phone_number_id: string; id: string }> = [];
  for (const k of keys) if ((await selectMessageSeq(db, [k.phoneNumberId, k.id])).length > 0) stored.push({ phone_number_id: k.phoneNumberId, id: k.id });
  return stored;
}

const selectMessageSeq = rawQuery<{ seq: number }>('select seq from messages where phone_number_id = ? and id = ?');
