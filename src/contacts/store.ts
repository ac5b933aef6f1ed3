import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ContactRow, DB } from '../db/schema.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { isPostgres } from '../db/dialect.ts';
import { rawQuery } from '../db/raw-query.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Creates the contact of (number, wa_id) or refreshes its WhatsApp profile name; returns the
 * contact's id and its current profile name. A missing profile name (system messages and sends
 * carry none) never erases a known one. A contact that has not changed is not written (one page
 * write fewer per message on the ingest path), yet on PostgreSQL `ON CONFLICT DO UPDATE` locks
 * its row until commit all the same, so concurrent transactions for one customer still queue
 * here (see storeConversationMessage).
 */
export async function upsertContact(
  db: Db,
  input: { phoneNumberId: string; waId: string; profileName: string | null; now: number },
): Promise<{ id: string; profile_name: string | null }> {
  if (isPostgres(db)) {
    const [row] = await upsertContactRows(db, [[randomUUID()], [input.phoneNumberId], [input.waId], [input.profileName], [input.now]]);
    if (!row) throw new Error('contact upsert found no row');
    return { id: row.id, profile_name: row.profile_name };
  }
  // SQLite: read first. Most messages come from a known customer under the same name, and the
  // local read costs a third of the upsert. The upsert writes a new or renamed contact; it
  // returns nothing when someone else wrote the same name in between, and the row is read again.
  const key = [input.phoneNumberId, input.waId];
  const [known] = await selectContactRow(db, key);
  if (known && (input.profileName === null || known.profile_name === input.profileName)) return known;
  const [written] = await upsertContactRow(db, [randomUUID(), input.phoneNumberId, input.waId, input.profileName, input.now, input.now]);
  const row = written ?? (await selectContactRow(db, key))[0];
  if (!row) throw new Error('contact upsert found no row');
  return { id: row.id, profile_name: row.profile_name };
}
// SQLite: returns a row only when it wrote one. PostgreSQL uses upsertContactRows, which also
// reads unchanged rows in the same statement.
const upsertContactRow = rawQuery<{ id: string; profile_name: string | null }>(
  `insert into contacts (id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at)
   values (?, ?, ?, ?, null, '{}', ?, ?)
   on conflict (phone_number_id, wa_id) do update
     set profile_name = excluded.profile_name, updated_at = excluded.updated_at
     where excluded.profile_name is not null and contacts.profile_name is distinct from excluded.profile_name
   returning id, profile_name`,
);
const selectContactRow = rawQuery<{ id: string; profile_name: string | null }>(
  'select id, profile_name from contacts where phone_number_id = ? and wa_id = ?',
);

/** A customer of a number, as the batch functions key it. */
export function customerKeyOf(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}\n${waId}`;
}

/**
 * upsertContact for the customers of a whole ingest batch, returning each contact by
 * customerKeyOf. A customer named several times is written once, with the last name given.
 * PostgreSQL: one statement, its rows in key order, so that two batches lock the contacts they
 * share in the same order and never deadlock. SQLite: upsertContact each (a read, and a write
 * only for a new or renamed contact).
 */
export async function upsertContacts(
  db: Db,
  inputs: ReadonlyArray<{ phoneNumberId: string; waId: string; profileName: string | null; now: number }>,
): Promise<Map<string, { id: string; profile_name: string | null }>> {
  const merged = new Map<string, { phoneNumberId: string; waId: string; profileName: string | null; now: number }>();
  for (const input of inputs) {
    const key = customerKeyOf(input.phoneNumberId, input.waId);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, profileName: input.profileName ?? seen.profileName, now: Math.max(seen.now, input.now) } : input);
  }
  const contacts = new Map<string, { id: string; profile_name: string | null }>();
  const sorted = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, input]) => input);
  if (!isPostgres(db)) {
    for (const input of sorted) contacts.set(customerKeyOf(input.phoneNumberId, input.waId), await upsertContact(db, input));
    return contacts;
  }
  const rows = await upsertContactRows(db, [
    sorted.map(() => randomUUID()),
    sorted.map((c) => c.phoneNumberId),
    sorted.map((c) => c.waId),
    sorted.map((c) => c.profileName),
    sorted.map((c) => c.now),
  ]);
  for (const r of rows) contacts.set(customerKeyOf(r.phone_number_id, r.wa_id), { id: r.id, profile_name: r.profile_name });
  // Contacts a concurrent transaction created after this statement's snapshot: upserted again, in
  // a statement (and a snapshot) of their own.
  for (const input of sorted) {
    const key = customerKeyOf(input.phoneNumberId, input.waId);
    if (!contacts.has(key)) contacts.set(key, await upsertContact(db, input));
  }
  return contacts;
}
// PostgreSQL only: upsertContactRow for many rows, inserted in their order, reading the unchanged
// ones in the same statement (every statement is a round trip). A contact created by a concurrent
// transaction after the statement's snapshot is locked but not read: the caller reads it again.
const upsertContactRows = rawQuery<{ id: string; phone_number_id: string; wa_id: string; profile_name: string | null }>(
  `with input as (
     select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[]) with ordinality as i(id, phone_number_id, wa_id, profile_name, now, ord)),
   written as (
     insert into contacts (id, phone_number_id, wa_id, profile_name, display_name, metadata, created_at, updated_at)
     select id, phone_number_id, wa_id, profile_name, null, '{}', now, now from input order by ord
     on conflict (phone_number_id, wa_id) do update
       set profile_name = excluded.profile_name, updated_at = excluded.updated_at
       where excluded.profile_name is not null and contacts.profile_name is distinct from excluded.profile_name
     returning id, phone_number_id, wa_id, profile_name)
   select id, phone_number_id, wa_id, profile_name from written
   union all
   select c.id, c.phone_number_id, c.wa_id, c.profile_name from input
     join contacts c on c.phone_number_id = input.phone_number_id and c.wa_id = input.wa_id
     where not exists (select 1 from written w where w.phone_number_id = input.phone_number_id and w.wa_id = input.wa_id)`,
);

/** The filters of `GET /{phone_number_id}/contacts` (kapso-api.md §6.3.1), combined with AND. */
export interface ContactFilter {
  waId?: string | undefined;
  customerId?: string | undefined;
  hasCustomer?: boolean | undefined;
}

/** A contact's place in its list: creation time, then id. */
export type ContactKey = readonly [createdAt: number, id: string];

function contactsOfProject(db: Db, projectId: string) {
  return db
    .selectFrom('contacts')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'contacts.phone_number_id')
    .selectAll('contacts')
    .where('phone_numbers.project_id', '=', projectId);
}

/**
 * One keyset window of a number's contacts, newest first: a range scan of (phone_number_id,
 * created_at, id), the index migration 003 adds; created_at never changes, so pages are stable.
 */
export function listContactsQuery(db: Db, projectId: string, phoneNumberId: string, filter: ContactFilter, window: KeysetWindow<ContactKey>) {
  let q = contactsOfProject(db, projectId).where('contacts.phone_number_id', '=', phoneNumberId);
  if (filter.waId !== undefined) q = q.where('contacts.wa_id', '=', filter.waId);
  if (filter.customerId !== undefined) q = q.where('contacts.customer_id', '=', filter.customerId);
  if (filter.hasCustomer !== undefined) q = q.where('contacts.customer_id', filter.hasCustomer ? 'is not' : 'is', null);
  const { start } = window;
  if (start.kind !== 'first') {
    const [createdAt, id] = start.key;
    q = q.where((eb) => eb(eb.refTuple('contacts.created_at', 'contacts.id'), start.kind === 'before' ? '>' : '<', eb.tuple(createdAt, id)));
  }
  const order = start.kind === 'before' ? 'asc' : 'desc';
  return q.orderBy('contacts.created_at', order).orderBy('contacts.id', order).limit(window.limit);
}

/** Runs listContactsQuery. */
export async function listContacts(db: Db, projectId: string, phoneNumberId: string, filter: ContactFilter, window: KeysetWindow<ContactKey>): Promise<ContactRow[]> {
  return listContactsQuery(db, projectId, phoneNumberId, filter, window).execute();
}

/** A contact of one of the project's numbers; another project's is as absent as none. */
export async function findContact(db: Db, projectId: string, phoneNumberId: string, waId: string): Promise<ContactRow | undefined> {
  return contactsOfProject(db, projectId)
    .where('contacts.phone_number_id', '=', phoneNumberId)
    .where('contacts.wa_id', '=', waId)
    .executeTakeFirst();
}

/**
 * Reads a contact for a read-modify-write inside `trx`. The statement is a write that changes
 * nothing, so it takes the row lock on PostgreSQL (and the write lock on SQLite) until commit:
 * two PATCHes merging metadata into one contact run one after the other and neither loses keys.
 */
export async function lockContact(trx: Transaction<DB>, projectId: string, phoneNumberId: string, waId: string): Promise<ContactRow | undefined> {
  const owned = trx.selectFrom('phone_numbers').select('id').where('project_id', '=', projectId);
  return trx
    .updateTable('contacts')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('phone_number_id', '=', phoneNumberId)
    .where('wa_id', '=', waId)
    .where('phone_number_id', 'in', owned)
    .returningAll()
    .executeTakeFirst();
}

/** Writes the business-editable fields of a contact. */
export async function updateContactFields(
  db: Db,
  id: string,
  changes: { profile_name?: string; display_name?: string | null; metadata?: string; updated_at: number },
): Promise<void> {
  await db.updateTable('contacts').set(changes).where('id', '=', id).execute();
}
