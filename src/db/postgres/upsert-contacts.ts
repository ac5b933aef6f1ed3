import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { rawQuery } from '../executor.ts';
import type { DB } from '../schema.ts';
import type { ContactInput, ContactRef } from '../store-primitives.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * PostgreSQL's contact upsert: one statement for all the inputs, its rows written in the inputs'
 * (sorted) order, so that two transactions lock the contacts they share in the same order and
 * never deadlock. `ON CONFLICT DO UPDATE` locks a row until commit even when it writes nothing,
 * so concurrent transactions for one customer queue here. A contact a concurrent transaction
 * created after the statement's snapshot is locked but not read: it is upserted again, in a
 * statement (and a snapshot) of its own.
 */
export async function upsertContactsInPostgres(db: Db, inputs: readonly ContactInput[]): Promise<ContactRef[]> {
  if (inputs.length === 0) return [];
  const rows = await upsertContactRows(db, columnsOf(inputs));
  const found = new Set(rows.map((r) => `${r.phone_number_id}\n${r.wa_id}`));
  const missed = inputs.filter((c) => !found.has(`${c.phoneNumberId}\n${c.waId}`));
  for (const input of missed) {
    const [row] = await upsertContactRows(db, columnsOf([input]));
    if (!row) throw new Error('contact upsert found no row');
    rows.push(row);
  }
  return rows;
}

function columnsOf(inputs: readonly ContactInput[]): unknown[][] {
  return [inputs.map(() => randomUUID()), inputs.map((c) => c.phoneNumberId), inputs.map((c) => c.waId), inputs.map((c) => c.profileName), inputs.map((c) => c.now)];
}

// Writes new and renamed contacts and reads the unchanged ones in the same statement (every
// statement is a round trip).
const upsertContactRows = rawQuery<ContactRef>(
  `with input as (
     select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) with ordinality as i(id, phone_number_id, wa_id, profile_name, now, ord)),
   written as (
     insert into contacts (id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at)
     select id, phone_number_id, wa_id, profile_name, null, '{}', now, now from input order by ord
     on conflict (phone_number_id, wa_id) do update
       set profile_name = excluded.profile_name, updated_at = excluded.updated_at
       where excluded.profile_name is not null and contacts.profile_name is distinct from excluded.profile_name
     returning id, phone_number_id, wa_id, profile_name, business_scoped_user_id)
   select id, phone_number_id, wa_id, profile_name, business_scoped_user_id from written
   union all
   select c.id, c.phone_number_id, c.wa_id, c.profile_name, c.business_scoped_user_id from input
     join contacts c on c.phone_number_id = input.phone_number_id and c.wa_id = input.wa_id
     where not exists (select 1 from written w where w.phone_number_id = input.phone_number_id and w.wa_id = input.wa_id)`,
);
