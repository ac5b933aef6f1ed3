import type { Kysely, Transaction } from 'kysely';
import type { ContactRow, DB } from '../db/schema.ts';
import { type ContactInput, storePrimitivesOf } from '../db/store-primitives.ts';
import type { KeysetWindow } from '../http/list-page.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A customer of a number, as the batch functions key it. */
export function customerKeyOf(phoneNumberId: string, waId: string): string {
  return `${phoneNumberId}\n${waId}`;
}

/**
 * Creates the contact of each (number, wa_id) or refreshes its WhatsApp profile name; returns
 * each contact's id and current profile name by customerKeyOf. A missing profile name (system
 * messages and sends carry none) never erases a known one, and a customer named several times is
 * written once, with the last name given. A contact that has not changed is not written, yet on
 * PostgreSQL its row is locked until commit all the same (in customer order, so two transactions
 * sharing contacts never deadlock): concurrent transactions for one customer queue here, and the
 * conversation lookup that follows never races into opening two conversations.
 */
export async function upsertContacts(db: Db, inputs: readonly ContactInput[]): Promise<Map<string, { id: string; profile_name: string | null }>> {
  const rows = await storePrimitivesOf(db).upsertContacts(db, mergeContactInputs(inputs));
  return new Map(rows.map((r) => [customerKeyOf(r.phone_number_id, r.wa_id), { id: r.id, profile_name: r.profile_name }]));
}

/** One input per customer (the last name given, the latest time), sorted by customerKeyOf. */
export function mergeContactInputs(inputs: readonly ContactInput[]): ContactInput[] {
  const merged = new Map<string, ContactInput>();
  for (const input of inputs) {
    const key = customerKeyOf(input.phoneNumberId, input.waId);
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, profileName: input.profileName ?? seen.profileName, now: Math.max(seen.now, input.now) } : input);
  }
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, input]) => input);
}

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
