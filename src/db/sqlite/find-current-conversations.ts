import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { CurrentConversationRow } from '../store-primitives.ts';

/** SQLite: two primary-key-sized probes per customer (the contact, its current conversation). */
export async function findCurrentConversationsInSqlite(
  db: Kysely<DB> | Transaction<DB>,
  customers: ReadonlyArray<{ phoneNumberId: string; waId: string }>,
): Promise<CurrentConversationRow[]> {
  const rows: CurrentConversationRow[] = [];
  for (const c of customers) {
    const [row] = await selectCurrentConversation(db, [c.phoneNumberId, c.waId]);
    if (row) rows.push({ phone_number_id: c.phoneNumberId, wa_id: c.waId, ...row });
  }
  return rows;
}

const selectCurrentConversation = rawQuery<{ id: string; status: 'active' | 'ended'; last_active_at: number }>(
  `select c.id, c.status, c.last_active_at from contacts k
   inner join conversations c on c.id = k.current_conversation_id
   where k.phone_number_id = ? and k.wa_id = ?`,
);
