import type { Kysely, Transaction } from 'kysely';
import type { DB, MessageRow, NewMessage, StatusRow } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Whether a message with this wamid is already stored for the number. */
export async function messageExists(db: Db, phoneNumberId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('seq')
    .where('phone_number_id', '=', phoneNumberId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/** Inserts a message once per (number, wamid); returns false when it was already there. */
export async function insertMessageIfAbsent(db: Db, row: NewMessage): Promise<boolean> {
  const inserted = await db
    .insertInto('messages')
    .values(row)
    .onConflict((oc) => oc.columns(['phone_number_id', 'id']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * A stored message, scoped to the caller's project: a wamid of another project's number is as
 * absent as one never stored.
 */
export async function findMessage(db: Db, projectId: string, phoneNumberId: string, id: string): Promise<MessageRow | undefined> {
  return db
    .selectFrom('messages')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'messages.phone_number_id')
    .selectAll('messages')
    .where('phone_numbers.project_id', '=', projectId)
    .where('messages.phone_number_id', '=', phoneNumberId)
    .where('messages.id', '=', id)
    .executeTakeFirst();
}

/** The delivery status currently applied to a message, if the message is stored. */
export async function findMessageStatus(db: Db, phoneNumberId: string, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('status')
    .where('phone_number_id', '=', phoneNumberId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.status;
}

/** Sets a message's applied status. */
export async function updateMessageStatus(db: Db, phoneNumberId: string, id: string, status: string, now: number): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status, updated_at: now })
    .where('phone_number_id', '=', phoneNumberId)
    .where('id', '=', id)
    .execute();
}

/** Records a Meta status event in the history once; returns false for a duplicate delivery. */
export async function insertStatusIfNew(db: Db, row: Omit<StatusRow, 'seq' | 'payload'> & { payload: string }): Promise<boolean> {
  const inserted = await db
    .insertInto('message_statuses')
    .values(row)
    .onConflict((oc) => oc.columns(['phone_number_id', 'message_id', 'dedupe_key']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** A message's status history, oldest first (by Meta's timestamp, then arrival). */
export async function listStatuses(db: Db, phoneNumberId: string, messageId: string): Promise<StatusRow[]> {
  return db
    .selectFrom('message_statuses')
    .selectAll()
    .where('phone_number_id', '=', phoneNumberId)
    .where('message_id', '=', messageId)
    .orderBy('timestamp')
    .orderBy('seq')
    .execute();
}

/** Epoch seconds of a customer's latest inbound message on a number, if any. */
export async function latestInboundTimestamp(db: Db, phoneNumberId: string, waId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('messages')
    .select('timestamp')
    .where('phone_number_id', '=', phoneNumberId)
    .where('direction', '=', 'inbound')
    .where('from_id', '=', waId)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.timestamp;
}
