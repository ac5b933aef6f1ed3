import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { ContactInput, ContactRef } from '../store-primitives.ts';

/**
 * SQLite's contact upsert: read first, one contact at a time. Most messages come from a known
 * customer under the same name, and the local read costs a third of the upsert. The upsert writes
 * a new or renamed contact; it returns nothing when someone else wrote the same name in between,
 * and the row is read again.
 */
export async function upsertContactsInSqlite(db: Kysely<DB> | Transaction<DB>, inputs: readonly ContactInput[]): Promise<ContactRef[]> {
  const contacts: ContactRef[] = [];
  for (const input of inputs) {
    const key = [input.phoneNumberId, input.waId];
    const [known] = await selectContactRow(db, key);
    if (known && (input.profileName === null || known.profile_name === input.profileName)) {
      contacts.push({ phone_number_id: input.phoneNumberId, wa_id: input.waId, ...known });
      continue;
    }
    const [written] = await upsertContactRow(db, [randomUUID(), input.phoneNumberId, input.waId, input.profileName, input.now, input.now]);
    const row = written ?? (await selectContactRow(db, key))[0];
    if (!row) throw new Error('contact upsert found no row');
    contacts.push({ phone_number_id: input.phoneNumberId, wa_id: input.waId, ...row });
  }
  return contacts;
}

// Returns a row only when it wrote one.
const upsertContactRow = rawQuery<{ id: string; profile_name: string | null; business_scoped_user_id: string | null }>(
  `insert into contacts (id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at)
   values (?, ?, ?, ?, null, '{}', ?, ?)
   on conflict (phone_number_id, wa_id) do update
     set profile_name = excluded.profile_name, updated_at = excluded.updated_at
     where excluded.profile_name is not null and contacts.profile_name is distinct from excluded.profile_name
   returning id, profile_name, business_scoped_user_id`,
);
const selectContactRow = rawQuery<{ id: string; profile_name: string | null; business_scoped_user_id: string | null }>(
  'select id, profile_name, business_scoped_user_id from contacts where phone_number_id = ? and wa_id = ?',
);
