import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { CurrentConversationRow } from '../store-primitives.ts';

/** PostgreSQL: one statement for all the contacts. */
export async function findCurrentConversationsInPostgres(db: Kysely<DB> | Transaction<DB>, contactIds: readonly string[]): Promise<CurrentConversationRow[]> {
  if (contactIds.length === 0) return [];
  return selectCurrentConversations(db, [contactIds]);
}

const selectCurrentConversations = rawQuery<CurrentConversationRow>(
  `select k.id as contact_id, c.id, c.status, c.last_active_at
   from unnest(?::text[]) as i(id)
   inner join contacts k on k.id = i.id
   inner join conversations c on c.id = k.current_conversation_id`,
);
