import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Creates the contact of (number, wa_id) or refreshes its WhatsApp profile name; returns its id.
 * A missing profile name (system messages and sends carry none) never erases a known one.
 * Returns the contact's id and its current profile name.
 */
export async function upsertContact(
  db: Db,
  input: { phoneNumberId: string; waId: string; profileName: string | null; now: number },
): Promise<{ id: string; profile_name: string | null }> {
  return db
    .insertInto('contacts')
    .values({
      id: randomUUID(),
      phone_number_id: input.phoneNumberId,
      wa_id: input.waId,
      profile_name: input.profileName,
      display_name: null,
      metadata: '{}',
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) =>
      oc.columns(['phone_number_id', 'wa_id']).doUpdateSet((eb) => ({
        profile_name: eb.fn.coalesce(eb.ref('excluded.profile_name'), eb.ref('contacts.profile_name')),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning(['id', 'profile_name'])
    .executeTakeFirstOrThrow();
}
