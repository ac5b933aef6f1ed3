import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { CurrentConversationRow } from '../store-primitives.ts';

/** PostgreSQL: one statement for all the customers. */
export async function findCurrentConversationsInPostgres(
  db: Kysely<DB> | Transaction<DB>,
  customers: ReadonlyArray<{ phoneNumberId: string; waId: string }>,
): Promise<CurrentConversationRow[]> {
  if (customers.length === 0) return [];
  return selectCurrentConversations(db, [customers.map((c) => c.phoneNumberId), customers.map((c) => c.waId)]);
}

const selectCurrentConversations = rawQuery<CurrentConversationRow>(
  `select k.phone_number_id, k.wa_id, c.id, c.status, c.last_active_at
   from unnest(?::text[], ?::text[]) as i(phone_number_id, wa_id)
   inner join contacts k on k.phone_number_id = i.phone_number_id and k.wa_id = i.wa_id
   inner join conversations c on c.id = k.current_conversation_id`,
);
