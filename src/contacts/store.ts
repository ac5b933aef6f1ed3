import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { lockCustomerKeys } from '../db/message-lock.ts';
import type { ContactRow, DB } from '../db/schema.ts';
import { type ContactInput, storePrimitivesOf } from '../db/store-primitives.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { readJson, writeJson } from '../db/json.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * A customer of a number as a message names them (meta-cloud-api.md §1.5): by phone (`wa_id`), by
 * business-scoped user id (BSUID, `user_id`), or by both; at least one is set.
 */
export interface CustomerIdentity {
  phoneNumberId: string;
  waId: string | null;
  bsuid?: string | null | undefined;
  parentBsuid?: string | null | undefined;
  username?: string | null | undefined;
  countryCode?: string | null | undefined;
}

/** A customer with what a message says of them: the profile name it gave (null: none) and when. */
export interface CustomerInput extends CustomerIdentity {
  profileName: string | null;
  now: number;
}

/** A contact as the write path needs it: its id, name and both identifiers as they now stand. */
export interface ContactHandle {
  id: string;
  profile_name: string | null;
  wa_id: string | null;
  business_scoped_user_id: string | null;
}

/** A customer as the batch functions key it: the same identifiers, the same key. */
export function customerKeyOf(customer: CustomerIdentity): string {
  return `${customer.phoneNumberId}\n${customer.waId ?? ''}\n${customer.bsuid ?? ''}`;
}

/**
 * Creates the contact of each customer or refreshes what a message says of them; returns each
 * contact's id and current profile name by customerKeyOf. A missing profile name (system messages
 * and sends carry none) never erases a known one, and a customer named several times is written
 * once, with the last name given. A contact that has not changed is not written, yet its row is
 * locked until commit all the same: concurrent transactions for one customer queue here, and the
 * conversation lookup that follows never races into opening two conversations.
 *
 * Customers known by phone alone (nearly every message) take the dialect's batch upsert, in
 * customer order (two transactions sharing contacts never deadlock). Customers with a BSUID are
 * resolved one by one under a lock on their BSUID (upsertIdentifiedContact), before the others,
 * because a wa_id and a BSUID arriving together may join two contacts into one.
 */
export async function upsertContacts(db: Db, inputs: readonly CustomerInput[]): Promise<Map<string, ContactHandle>> {
  const contacts = new Map<string, ContactHandle>();
  const identified = mergeIdentifiedInputs(inputs.filter((c) => Boolean(c.bsuid)));
  await lockCustomerKeys(db, identified.map((c) => `${c.phoneNumberId}:${c.bsuid}`));
  // Most customers with a BSUID are known already, under the identifiers the message gives:
  // one statement reads and locks them all. Only the rest are resolved one by one, and every
  // input of such a BSUID with them, since resolving may join its contact into another.
  const known = await lockContactsByBsuid(db, identified);
  const resolve = new Set(identified.filter((c) => !isKnownAs(known.get(bsuidKeyOf(c)), c)).map(bsuidKeyOf));
  for (const input of identified) {
    const row = known.get(bsuidKeyOf(input));
    const contact = row && !resolve.has(bsuidKeyOf(input)) ? await refreshContact(db, row, input, false) : await upsertIdentifiedContact(db, input);
    contacts.set(customerKeyOf(input), contact);
  }
  const byPhone: ContactInput[] = inputs.flatMap((c) => (!c.bsuid && c.waId !== null ? [{ phoneNumberId: c.phoneNumberId, waId: c.waId, profileName: c.profileName, now: c.now }] : []));
  const rows = await storePrimitivesOf(db).upsertContacts(db, mergeContactInputs(byPhone));
  for (const r of rows) contacts.set(customerKeyOf({ phoneNumberId: r.phone_number_id, waId: r.wa_id, bsuid: null }), r);
  return contacts;
}

/** One input per customer known by phone alone (the last name given, the latest time), sorted by wa_id. */
export function mergeContactInputs(inputs: readonly ContactInput[]): ContactInput[] {
  const merged = new Map<string, ContactInput>();
  for (const input of inputs) {
    const key = customerKeyOf({ phoneNumberId: input.phoneNumberId, waId: input.waId, bsuid: null });
    const seen = merged.get(key);
    merged.set(key, seen ? { ...seen, profileName: input.profileName ?? seen.profileName, now: Math.max(seen.now, input.now) } : input);
  }
  return [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, input]) => input);
}

/**
 * One input per identity of the customers with a BSUID (the last of each value given), those with
 * both identifiers first: once they have joined a phone contact to a BSUID one, the BSUID-only
 * inputs find the joined contact.
 */
function mergeIdentifiedInputs(inputs: readonly CustomerInput[]): CustomerInput[] {
  const merged = new Map<string, CustomerInput>();
  for (const input of inputs) {
    const key = customerKeyOf(input);
    const seen = merged.get(key);
    merged.set(
      key,
      seen
        ? {
            ...seen,
            profileName: input.profileName ?? seen.profileName,
            username: input.username ?? seen.username,
            countryCode: input.countryCode ?? seen.countryCode,
            parentBsuid: input.parentBsuid ?? seen.parentBsuid,
            now: Math.max(seen.now, input.now),
          }
        : input,
    );
  }
  return [...merged.values()].sort((a, b) => Number(a.waId === null) - Number(b.waId === null));
}

/**
 * The contact of a customer with a BSUID, created, completed or joined; the caller holds the
 * BSUID's lock (db/message-lock.ts), so no other transaction gives that BSUID to a contact
 * meanwhile. Every path locks the contact's row, as the phone upsert does.
 * - BSUID alone: the contact with that BSUID, else a new one without a phone.
 * - Both: the contact with that phone is upserted first (its key's conflict is how a concurrent
 *   phone-only message for the same customer is told apart from a new customer). When the BSUID
 *   names another contact, the two are one customer seen by one identifier each: the older one
 *   keeps both identifiers and takes the other's conversations, names and metadata, and the other
 *   is deleted.
 */
async function upsertIdentifiedContact(db: Db, input: CustomerInput): Promise<ContactHandle> {
  const bsuid = bsuidOf(input);
  const byBsuid = await lockContactWhere(db, input.phoneNumberId, 'business_scoped_user_id', bsuid);
  if (input.waId === null) {
    if (!byBsuid) return insertContact(db, input);
    return refreshContact(db, byBsuid, input, false);
  }
  const byPhone = await upsertPhoneContact(db, input, byBsuid ? null : bsuid);
  if (!byBsuid || byBsuid.id === byPhone.id) return refreshContact(db, byPhone, input, byPhone.business_scoped_user_id !== bsuid);
  const [survivor, absorbed] = byBsuid.created_at <= byPhone.created_at ? [byBsuid, byPhone] : [byPhone, byBsuid];
  return joinContacts(db, survivor, absorbed, input);
}

function bsuidKeyOf(input: CustomerIdentity): string {
  return `${input.phoneNumberId}\n${input.bsuid ?? ''}`;
}

/** Whether a contact already holds the identifiers a message names (a null phone names none). */
function isKnownAs(row: ContactRow | undefined, input: CustomerInput): row is ContactRow {
  return row !== undefined && (input.waId === null || row.wa_id === input.waId);
}

/** The contacts of these customers' BSUIDs, each read and locked by a write that changes nothing, in one statement. */
async function lockContactsByBsuid(db: Db, inputs: readonly CustomerInput[]): Promise<Map<string, ContactRow>> {
  if (inputs.length === 0) return new Map();
  const rows = await db
    .updateTable('contacts')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where((eb) => eb(eb.refTuple('phone_number_id', 'business_scoped_user_id'), 'in', inputs.map((c) => eb.tuple(c.phoneNumberId, bsuidOf(c)))))
    .returningAll()
    .execute();
  return new Map(rows.map((r) => [bsuidKeyOf({ phoneNumberId: r.phone_number_id, waId: r.wa_id, bsuid: r.business_scoped_user_id }), r]));
}

/** A write that changes nothing: reads the row and takes its lock on PostgreSQL (lockContact). */
async function lockContactWhere(db: Db, phoneNumberId: string, column: 'wa_id' | 'business_scoped_user_id', value: string): Promise<ContactRow | undefined> {
  return db
    .updateTable('contacts')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('phone_number_id', '=', phoneNumberId)
    .where(column, '=', value)
    .returningAll()
    .executeTakeFirst();
}

async function insertContact(db: Db, input: CustomerInput): Promise<ContactHandle> {
  const row = await db
    .insertInto('contacts')
    .values({ ...newContactRow(input), business_scoped_user_id: input.bsuid ?? null })
    .returning(['id', 'profile_name', 'wa_id', 'business_scoped_user_id'])
    .executeTakeFirstOrThrow();
  return row;
}

function newContactRow(input: CustomerInput) {
  return {
    id: randomUUID(),
    phone_number_id: input.phoneNumberId,
    wa_id: input.waId,
    profile_name: input.profileName,
    display_name: null,
    metadata: '{}',
    created_at: input.now,
    updated_at: input.now,
    customer_id: null,
    current_conversation_id: null,
    business_scoped_user_id: null,
    parent_business_scoped_user_id: input.parentBsuid ?? null,
    username: input.username ?? null,
    country_code: input.countryCode ?? null,
  };
}

/** The contact with this phone, created (with `bsuid` when given) or locked as it is. */
async function upsertPhoneContact(db: Db, input: CustomerInput, bsuid: string | null): Promise<ContactRow> {
  return db
    .insertInto('contacts')
    .values({ ...newContactRow(input), business_scoped_user_id: bsuid })
    .onConflict((oc) => oc.columns(['phone_number_id', 'wa_id']).doUpdateSet((eb) => ({ updated_at: eb.ref('contacts.updated_at') })))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Writes what a message says of a known contact, when it says something new: a profile name,
 * the username, the parent BSUID, and both identifiers (`gained`: it had only one until now, so
 * its conversations learn the other too).
 */
async function refreshContact(db: Db, row: ContactRow, input: CustomerInput, gained: boolean): Promise<ContactHandle> {
  const changes = {
    ...(input.profileName !== null && input.profileName !== row.profile_name ? { profile_name: input.profileName } : {}),
    ...(input.username && input.username !== row.username ? { username: input.username } : {}),
    ...(input.countryCode && input.countryCode !== row.country_code ? { country_code: input.countryCode } : {}),
    ...(input.parentBsuid && input.parentBsuid !== row.parent_business_scoped_user_id ? { parent_business_scoped_user_id: input.parentBsuid } : {}),
    ...(gained ? { wa_id: input.waId ?? row.wa_id, business_scoped_user_id: input.bsuid ?? row.business_scoped_user_id } : {}),
  };
  const handle = { id: row.id, profile_name: changes.profile_name ?? row.profile_name, wa_id: changes.wa_id ?? row.wa_id, business_scoped_user_id: changes.business_scoped_user_id ?? row.business_scoped_user_id };
  if (Object.keys(changes).length === 0) return handle;
  await db.updateTable('contacts').set({ ...changes, updated_at: input.now }).where('id', '=', row.id).execute();
  if (gained) await identifyConversations(db, row.id, input);
  return handle;
}

/**
 * Makes two contacts of one customer one: `survivor` keeps its id, takes both identifiers, the
 * other's conversations, the names and customer link it lacked and the metadata keys it lacked,
 * and points at the more recently active current conversation; `absorbed` is deleted first, so
 * its identifiers are free for the survivor.
 */
async function joinContacts(db: Db, survivor: ContactRow, absorbed: ContactRow, input: CustomerInput): Promise<ContactHandle> {
  await db.updateTable('contacts').set({ current_conversation_id: null }).where('id', '=', absorbed.id).execute();
  await db.deleteFrom('contacts').where('id', '=', absorbed.id).execute();
  const current = await moreRecentlyActive(db, survivor.current_conversation_id, absorbed.current_conversation_id);
  const profileName = input.profileName ?? survivor.profile_name ?? absorbed.profile_name;
  await db
    .updateTable('contacts')
    .set({
      wa_id: input.waId,
      business_scoped_user_id: bsuidOf(input),
      parent_business_scoped_user_id: input.parentBsuid ?? survivor.parent_business_scoped_user_id ?? absorbed.parent_business_scoped_user_id,
      username: input.username ?? survivor.username ?? absorbed.username,
      country_code: input.countryCode ?? survivor.country_code ?? absorbed.country_code,
      profile_name: profileName,
      display_name: survivor.display_name ?? absorbed.display_name,
      customer_id: survivor.customer_id ?? absorbed.customer_id,
      // The survivor's keys win; no PATCH limit applies to what two contacts already held.
      metadata: writeJson({ ...asObject(readJson(absorbed.metadata)), ...asObject(readJson(survivor.metadata)) }),
      current_conversation_id: current,
      updated_at: input.now,
    })
    .where('id', '=', survivor.id)
    .execute();
  await identifyConversations(db, survivor.id, input);
  return { id: survivor.id, profile_name: profileName, wa_id: input.waId, business_scoped_user_id: bsuidOf(input) };
}

/**
 * Gives every conversation of the customer both identifiers and the contact, found through the
 * identifier each already has (the conversations of a contact just absorbed included).
 */
async function identifyConversations(db: Db, contactId: string, input: CustomerInput): Promise<void> {
  if (!input.waId || !input.bsuid) return;
  const { waId, bsuid } = input;
  await db
    .updateTable('conversations')
    .set({ contact_id: contactId, wa_id: waId, business_scoped_user_id: bsuid })
    .where('phone_number_id', '=', input.phoneNumberId)
    .where((eb) => eb.or([eb('wa_id', '=', waId), eb('business_scoped_user_id', '=', bsuid)]))
    .execute();
}

async function moreRecentlyActive(db: Db, a: string | null, b: string | null): Promise<string | null> {
  if (a === null || b === null) return a ?? b;
  const rows = await db.selectFrom('conversations').select(['id', 'last_active_at']).where('id', 'in', [a, b]).execute();
  const sorted = rows.sort((x, y) => Number(y.last_active_at) - Number(x.last_active_at));
  return sorted[0]?.id ?? a;
}

function bsuidOf(input: CustomerInput): string {
  if (!input.bsuid) throw new Error('a customer with a BSUID was expected');
  return input.bsuid;
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The filters of `GET /{phone_number_id}/contacts` (kapso-api.md §6.3.1), combined with AND. */
export interface ContactFilter {
  waId?: string | undefined;
  bsuid?: string | undefined;
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
  if (filter.bsuid !== undefined) q = q.where('contacts.business_scoped_user_id', '=', filter.bsuid);
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

/** How a path names a contact: by its phone (wa_id) or by its BSUID. */
export type ContactAddress = { waId: string } | { bsuid: string };

function addressColumn(address: ContactAddress) {
  return 'waId' in address ? (['wa_id', address.waId] as const) : (['business_scoped_user_id', address.bsuid] as const);
}

/** A contact of one of the project's numbers; another project's is as absent as none. */
export async function findContact(db: Db, projectId: string, phoneNumberId: string, address: ContactAddress): Promise<ContactRow | undefined> {
  const [column, value] = addressColumn(address);
  return contactsOfProject(db, projectId).where('contacts.phone_number_id', '=', phoneNumberId).where(`contacts.${column}`, '=', value).executeTakeFirst();
}

/**
 * Reads a contact for a read-modify-write inside `trx`. The statement is a write that changes
 * nothing, so it takes the row lock on PostgreSQL (and the write lock on SQLite) until commit:
 * two PATCHes merging metadata into one contact run one after the other and neither loses keys.
 */
export async function lockContact(trx: Transaction<DB>, projectId: string, phoneNumberId: string, address: ContactAddress): Promise<ContactRow | undefined> {
  const owned = trx.selectFrom('phone_numbers').select('id').where('project_id', '=', projectId);
  const [column, value] = addressColumn(address);
  return trx
    .updateTable('contacts')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('phone_number_id', '=', phoneNumberId)
    .where(column, '=', value)
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
