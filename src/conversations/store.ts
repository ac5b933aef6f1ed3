import { randomUUID } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ConversationRow, DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The customer's most recently active conversation on a number, if any. */
export async function findLatestConversation(db: Db, phoneNumberId: string, waId: string) {
  return db
    .selectFrom('conversations')
    .select(['id', 'status', 'last_active_at'])
    .where('phone_number_id', '=', phoneNumberId)
    .where('wa_id', '=', waId)
    .orderBy('last_active_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Opens a new, empty, active conversation; returns its id. */
export async function openConversation(
  db: Db,
  input: { phoneNumberId: string; contactId: string; waId: string; activeAt: number; now: number },
): Promise<string> {
  const row: ConversationRow = {
    id: randomUUID(),
    phone_number_id: input.phoneNumberId,
    contact_id: input.contactId,
    wa_id: input.waId,
    status: 'active',
    metadata: '{}',
    messages_count: 0,
    last_message_id: null,
    last_message_type: null,
    last_message_at: null,
    last_message_text: null,
    last_inbound_at: null,
    last_outbound_at: null,
    last_active_at: input.activeAt,
    created_at: input.now,
    updated_at: input.now,
    ended_at: null,
  };
  await db.insertInto('conversations').values({ ...row, metadata: '{}' }).execute();
  return row.id;
}

/** Ends an active conversation (superseded by a new one, or closed by the lifecycle). */
export async function endConversation(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ status: 'ended', ended_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
}

export interface ConversationMessageSummary {
  id: string;
  type: string;
  direction: 'inbound' | 'outbound';
  /** Epoch milliseconds of the message (Meta's timestamp). */
  at: number;
  previewText: string;
  now: number;
}

/**
 * Counts a stored message into its conversation and moves the last-message summary forward.
 * Computed in SQL, not in JS, so concurrent transactions on PostgreSQL never lose a count or let an
 * older message overwrite a newer summary (the row lock re-evaluates the CASEs on the latest row).
 */
export async function recordConversationMessage(db: Db, conversationId: string, m: ConversationMessageSummary): Promise<void> {
  const newer = sql<boolean>`(last_message_at is null or last_message_at <= ${m.at})`;
  const lastAt = m.direction === 'inbound' ? 'last_inbound_at' : 'last_outbound_at';
  await db
    .updateTable('conversations')
    .set({
      messages_count: sql`messages_count + 1`,
      last_message_id: sql`case when ${newer} then ${m.id} else last_message_id end`,
      last_message_type: sql`case when ${newer} then ${m.type} else last_message_type end`,
      last_message_text: sql`case when ${newer} then ${m.previewText} else last_message_text end`,
      last_message_at: sql`case when ${newer} then ${m.at} else last_message_at end`,
      [lastAt]: sql`case when ${sql.ref(lastAt)} is null or ${sql.ref(lastAt)} < ${m.at} then ${m.at} else ${sql.ref(lastAt)} end`,
      last_active_at: sql`case when last_active_at < ${m.at} then ${m.at} else last_active_at end`,
      updated_at: m.now,
    })
    .where('id', '=', conversationId)
    .execute();
}
