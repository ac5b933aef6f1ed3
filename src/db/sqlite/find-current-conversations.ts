import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { CurrentConversationRow } from '../store-primitives.ts';

/** SQLite: two primary-key probes per contact (the contact, its current conversation). */
export async function findCurrentConversationsInSqlite(db: Kysely<DB> | Transaction<DB>, contactIds: readonly string[]): Promise<CurrentConversationRow[]> {
  const rows: CurrentConversationRow[] = [];
  for (const contactId of contactIds) {
    const [row] = await selectCurrentConversation(db, [contactId]);
    if (row) rows.push({ contact_id: contactId, ...row });
  }
  return rows;
}

const selectCurrentConversation = rawQuery<{ id: string; status: 'active' | 'ended'; last_active_at: number }>(
  `select c.id, c.status, c.last_active_at from contacts k
   inner join conversations c on c.id = k.current_conversation_id
   where k.id = ?`,
);
