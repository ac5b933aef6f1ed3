import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The filters of `GET /inbox/api/conversations` (docs/inbox-api.md), combined with AND. */
export interface InboxConversationFilter {
  status: 'active' | 'ended' | 'all';
  assigned: 'me' | 'unassigned' | 'any';
  phoneNumberId?: string | undefined;
}

/** A conversation's place in the list: last activity, then id, both descending. */
export type InboxConversationKey = readonly [lastActiveAt: number, id: string];

/** Everything an InboxConversation is rendered from, as one member sees it. */
export interface InboxConversationRow {
  id: string;
  phone_number_id: string;
  status: 'active' | 'ended';
  last_active_at: number;
  created_at: number;
  contact_id: string;
  contact_name: string | null;
  contact_wa_id: string | null;
  contact_bsuid: string | null;
  contact_username: string | null;
  last_message_id: string | null;
  last_message_type: string | null;
  last_message_text: string | null;
  last_message_at: number | null;
  last_message_direction: string | null;
  last_message_status: string | null;
  assignee_user_id: string | null;
  assignee_email: string | null;
  unread_count: number | string | null;
  /** The customer's latest inbound message on this number, any conversation (epoch ms). */
  customer_last_inbound_at: number | string | null;
}

/** The project's live numbers: the only ones the inbox shows (a removed number is gone from it). */
function liveNumbersOf(db: Db, projectId: string) {
  return db.selectFrom('phone_numbers').select('phone_numbers.id').where('phone_numbers.project_id', '=', projectId).where('phone_numbers.removed_at', 'is', null);
}

/**
 * One page of the project's conversations, keys only, newest activity first: a walk of
 * (phone_number_id, last_active_at, id) per number (the partial index of active ones for
 * `status=active`: the status is a literal so both planners match its predicate). Assignment is
 * a primary-key probe per row walked. The rows are then loaded by findInboxConversations, so no
 * join can tempt a planner into reading a whole table for a page of 30.
 */
export function listInboxConversationKeysQuery(
  db: Db,
  projectId: string,
  memberUserId: string,
  filter: InboxConversationFilter,
  after: InboxConversationKey | null,
  limit: number,
) {
  let numbers = liveNumbersOf(db, projectId);
  if (filter.phoneNumberId !== undefined) numbers = numbers.where('phone_numbers.id', '=', filter.phoneNumberId);
  let q = db.selectFrom('conversations as c').select(['c.id', 'c.last_active_at']).where('c.phone_number_id', 'in', numbers);
  if (filter.status !== 'all') q = q.where('c.status', '=', sql.lit(filter.status));
  if (filter.assigned === 'me') {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('conversation_assignments as a').select('a.conversation_id').whereRef('a.conversation_id', '=', 'c.id').where('a.assignee_user_id', '=', memberUserId)),
    );
  }
  if (filter.assigned === 'unassigned') {
    q = q.where((eb) => eb.not(eb.exists(eb.selectFrom('conversation_assignments as a').select('a.conversation_id').whereRef('a.conversation_id', '=', 'c.id'))));
  }
  if (after !== null) q = q.where((eb) => eb(eb.refTuple('c.last_active_at', 'c.id'), '<', eb.tuple(after[0], after[1])));
  return q.orderBy('c.last_active_at', 'desc').orderBy('c.id', 'desc').limit(limit);
}

/** Runs listInboxConversationKeysQuery. */
export async function listInboxConversationKeys(
  db: Db,
  projectId: string,
  memberUserId: string,
  filter: InboxConversationFilter,
  after: InboxConversationKey | null,
  limit: number,
): Promise<Array<{ id: string; last_active_at: number }>> {
  const rows = await listInboxConversationKeysQuery(db, projectId, memberUserId, filter, after, limit).execute();
  return rows.map((r) => ({ id: r.id, last_active_at: Number(r.last_active_at) }));
}

/**
 * The conversations with these ids that belong to the project's live numbers, as `memberUserId`
 * sees them (unread count after their read marker), in no particular order. Every join is a
 * primary-key or unique probe per conversation; the unread count is a range of messages
 * (conversation_id, timestamp, seq) from the marker on, and the customer's window one probe of
 * the conversations of that customer.
 */
export async function findInboxConversations(db: Db, projectId: string, memberUserId: string, ids: readonly string[]): Promise<InboxConversationRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('conversations as c')
    .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
    .leftJoin('messages as lm', (join) => join.onRef('lm.phone_number_id', '=', 'c.phone_number_id').onRef('lm.id', '=', 'c.last_message_id'))
    .leftJoin('conversation_assignments as a', 'a.conversation_id', 'c.id')
    .leftJoin('users as u', 'u.id', 'a.assignee_user_id')
    .leftJoin('conversation_reads as r', (join) => join.onRef('r.conversation_id', '=', 'c.id').on('r.user_id', '=', memberUserId))
    .select([
      'c.id',
      'c.phone_number_id',
      'c.status',
      'c.last_active_at',
      'c.created_at',
      'c.contact_id',
      'ct.wa_id as contact_wa_id',
      'ct.business_scoped_user_id as contact_bsuid',
      'ct.username as contact_username',
      'c.last_message_id',
      'c.last_message_type',
      'c.last_message_text',
      'c.last_message_at',
      'lm.direction as last_message_direction',
      'lm.status as last_message_status',
      'a.assignee_user_id',
      'u.email as assignee_email',
    ])
    // The name the business gave the contact wins over the WhatsApp profile name (as Kapso's contact_name).
    .select((eb) => eb.fn.coalesce('ct.display_name', 'ct.profile_name').as('contact_name'))
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        .select((m) => m.fn.countAll<number | string>().as('n'))
        .whereRef('m.conversation_id', '=', 'c.id')
        .where('m.direction', '=', sql.lit('inbound'))
        .where((m) => m('m.timestamp', '>=', m.fn.coalesce('r.last_read_timestamp', sql.lit(0))))
        .where((m) => m('m.seq', '>', m.fn.coalesce('r.last_read_seq', sql.lit(0))))
        .as('unread_count'),
    )
    .select((eb) =>
      eb
        .case()
        .when('c.wa_id', 'is not', null)
        .then(eb.selectFrom('conversations as w').select((w) => w.fn.max('w.last_inbound_at').as('at')).whereRef('w.phone_number_id', '=', 'c.phone_number_id').whereRef('w.wa_id', '=', 'c.wa_id'))
        .else(
          eb
            .selectFrom('conversations as w')
            .select((w) => w.fn.max('w.last_inbound_at').as('at'))
            .whereRef('w.phone_number_id', '=', 'c.phone_number_id')
            .whereRef('w.business_scoped_user_id', '=', 'c.business_scoped_user_id'),
        )
        .end()
        .as('customer_last_inbound_at'),
    )
    .where('c.id', 'in', ids)
    .where('c.phone_number_id', 'in', liveNumbersOf(db, projectId))
    .execute();
}

/** What a write needs to know of a conversation of the project's live numbers. */
export interface ConversationRef {
  id: string;
  phone_number_id: string;
  contact_id: string;
  status: 'active' | 'ended';
}

/** A conversation of the project's live numbers; another project's is as absent as none. */
export async function findConversationRef(db: Db, projectId: string, id: string): Promise<ConversationRef | undefined> {
  return db
    .selectFrom('conversations')
    .select(['id', 'phone_number_id', 'contact_id', 'status'])
    .where('id', '=', id)
    .where('phone_number_id', 'in', liveNumbersOf(db, projectId))
    .executeTakeFirst();
}

/**
 * The ids of a contact's conversations, newest activity first. Found through the customer's
 * identifiers on their number ((phone_number_id, wa_id) and (phone_number_id, BSUID) indexes: a
 * customer has few), then kept to the contact's own.
 */
export async function listContactConversationIds(
  db: Db,
  contact: { id: string; phone_number_id: string; wa_id: string | null; business_scoped_user_id: string | null },
  limit: number,
): Promise<string[]> {
  const { wa_id: waId, business_scoped_user_id: bsuid } = contact;
  const rows = await db
    .selectFrom('conversations')
    .select('id')
    .where('phone_number_id', '=', contact.phone_number_id)
    .where((eb) => eb.or([...(waId !== null ? [eb('wa_id', '=', waId)] : []), ...(bsuid !== null ? [eb('business_scoped_user_id', '=', bsuid)] : [])]))
    .where('contact_id', '=', contact.id)
    .orderBy('last_active_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
