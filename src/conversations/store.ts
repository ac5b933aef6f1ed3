import { EMPTY_CONVERSATION_SUMMARY } from './empty-summary.ts';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { ConversationRow, DB } from '../db/schema.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { isPostgres } from '../db/dialect.ts';
import { rawQuery } from '../db/executor.ts';
import { storePrimitivesOf } from '../db/store-primitives.ts';
import type { CurrentConversationRef } from './lifecycle.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * The current conversations of these contacts (those that have one), by contact id: the one
 * opened last, which their contact points at (migration 009). Not necessarily the most recently
 * active: a message Meta delivers late, after the conversation ended, opens one whose activity is
 * older. Read after the contacts are upserted, not returned by that upsert: on PostgreSQL that
 * statement's snapshot may predate the contact lock it waited for, and so miss a conversation a
 * concurrent transaction opened meanwhile; this statement starts after the lock is held.
 */
export async function findCurrentConversations(db: Db, contactIds: readonly string[]): Promise<Map<string, CurrentConversationRef>> {
  const rows = await storePrimitivesOf(db).findCurrentConversations(db, contactIds);
  return new Map(rows.map(({ contact_id, ...row }) => [contact_id, row]));
}

/** A conversation to open: its id (chosen by the caller), number, customer and first activity. */
export interface ConversationToOpen {
  id: string;
  phoneNumberId: string;
  contactId: string;
  waId: string | null;
  bsuid: string | null;
  activeAt: number;
  now: number;
}

/** Rows per INSERT: 400 conversations × 20 columns stay under SQLite's bound-parameter limit. */
const OPEN_CHUNK = 400;

/** Opens a new, empty, active conversation and makes it the contact's current one. */
export async function openConversation(db: Db, input: ConversationToOpen): Promise<void> {
  await openConversations(db, [input]);
}

/**
 * Opens new, empty, active conversations, each its contact's current one (one contact each). On
 * PostgreSQL, where each statement is a round trip, one insert and one update for the lot; on
 * SQLite a kept single-row insert per conversation, run on the writing connection: building a
 * many-row insert through Kysely cost more than SQLite took to run it (a broadcast opens a
 * conversation with every new customer).
 */
export async function openConversations(db: Db, inputs: readonly ConversationToOpen[]): Promise<void> {
  if (inputs.length === 0) return;
  if (!isPostgres(db)) {
    for (const c of inputs) {
      const row = newConversationRow(c);
      await insertConversation(db, NEW_CONVERSATION_COLUMNS.map((column) => row[column]));
      await setCurrentConversation(db, [c.id, c.contactId]);
    }
    return;
  }
  for (let i = 0; i < inputs.length; i += OPEN_CHUNK) {
    await db.insertInto('conversations').values(inputs.slice(i, i + OPEN_CHUNK).map(newConversationRow)).execute();
  }
  await setCurrentConversations(db, [inputs.map((c) => c.contactId), inputs.map((c) => c.id)]);
}

/** The row of a new, empty, active conversation (its metadata as the JSON text written). */
function newConversationRow(input: ConversationToOpen): Omit<ConversationRow, 'metadata'> & { metadata: string } {
  return {
    id: input.id,
    phone_number_id: input.phoneNumberId,
    contact_id: input.contactId,
    wa_id: input.waId,
    business_scoped_user_id: input.bsuid,
    status: 'active',
    metadata: '{}',
    ...EMPTY_CONVERSATION_SUMMARY,
    last_active_at: input.activeAt,
    created_at: input.now,
    updated_at: input.now,
    ended_at: null,
  };
}

// SQLite only: one new conversation, its columns those of newConversationRow, in their order.
const NEW_CONVERSATION_COLUMNS = Object.keys(newConversationRow({ id: '', phoneNumberId: '', contactId: '', waId: null, bsuid: null, activeAt: 0, now: 0 })) as Array<keyof ReturnType<typeof newConversationRow>>;
const insertConversation = rawQuery(`insert into conversations (${NEW_CONVERSATION_COLUMNS.join(', ')}) values (${NEW_CONVERSATION_COLUMNS.map(() => '?').join(', ')})`);
const setCurrentConversation = rawQuery('update contacts set current_conversation_id = ? where id = ?');
// PostgreSQL only: every contact's new current conversation in one statement.
const setCurrentConversations = rawQuery(
  'update contacts c set current_conversation_id = u.conversation_id from unnest(?::text[], ?::text[]) as u(id, conversation_id) where c.id = u.id',
);

/** Ends an active conversation (superseded by a new one, or closed by the lifecycle). */
export async function endConversation(db: Db, id: string, now: number): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ status: 'ended', ended_at: now, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
}

/** A conversation as the history API reads it: the row plus its contact's name and username. */
export type ConversationView = ConversationRow & {
  contact_name: string | null;
  parent_business_scoped_user_id?: string | null | undefined;
  username?: string | null | undefined;
};

/** The filters of `GET /{phone_number_id}/conversations` (kapso-api.md §6.2.1), combined with AND. */
export interface ConversationFilter {
  status?: 'active' | 'ended' | undefined;
  /** Epoch milliseconds, inclusive bounds on last_active_at. */
  activeSinceMs?: number | undefined;
  activeUntilMs?: number | undefined;
  /** The customer's wa_id (digits). */
  waId?: string | undefined;
  /** The customer's business-scoped user id. */
  bsuid?: string | undefined;
}

/** A conversation's place in its list: last activity, then id. */
export type ConversationKey = readonly [lastActiveAt: number, id: string];

/**
 * Conversations with their contact's name (for `kapso.contact_name`), scoped to a project. The
 * name is a correlated subquery rather than a join: it is evaluated only for the rows a page
 * returns (one primary-key probe each), so no planner can choose to hash the whole contacts table.
 */
function conversationsOfProject(db: Db, projectId: string) {
  return db
    .selectFrom('conversations')
    .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
    .selectAll('conversations')
    .select((eb) =>
      eb
        .selectFrom('contacts')
        // The name the business gave the contact wins over the WhatsApp profile name.
        .select((c) => c.fn.coalesce('contacts.display_name', 'contacts.profile_name').as('name'))
        .whereRef('contacts.id', '=', 'conversations.contact_id')
        .as('contact_name'),
    )
    .select((eb) => eb.selectFrom('contacts').select('contacts.parent_business_scoped_user_id').whereRef('contacts.id', '=', 'conversations.contact_id').as('parent_business_scoped_user_id'))
    .select((eb) => eb.selectFrom('contacts').select('contacts.username').whereRef('contacts.id', '=', 'conversations.contact_id').as('username'))
    .where('phone_numbers.project_id', '=', projectId);
}

/**
 * One keyset window of a number's conversations, most recently active first: a range scan of
 * (phone_number_id, last_active_at, id), so every page costs the same; the contact is one
 * primary-key probe per row returned. Filtered by customer (`phone_number`), the window is
 * found among that customer's conversations through (phone_number_id, wa_id) and sorted: the
 * unary plus on last_active_at keeps SQLite's planner, which has no statistics, from walking
 * the number's whole activity index for the few rows of one customer.
 */
export function listConversationsQuery(
  db: Db,
  projectId: string,
  phoneNumberId: string,
  filter: ConversationFilter,
  window: KeysetWindow<ConversationKey>,
) {
  const oneCustomer = filter.waId !== undefined || filter.bsuid !== undefined;
  const activeAt = !oneCustomer ? sql.ref<number>('conversations.last_active_at') : sql<number>`+${sql.ref('conversations.last_active_at')}`;
  let q = conversationsOfProject(db, projectId).where('conversations.phone_number_id', '=', phoneNumberId);
  if (filter.status !== undefined) q = q.where('conversations.status', '=', filter.status);
  if (filter.activeSinceMs !== undefined) q = q.where(activeAt, '>=', filter.activeSinceMs);
  if (filter.activeUntilMs !== undefined) q = q.where(activeAt, '<=', filter.activeUntilMs);
  if (filter.waId !== undefined) q = q.where('conversations.wa_id', '=', filter.waId);
  if (filter.bsuid !== undefined) q = q.where('conversations.business_scoped_user_id', '=', filter.bsuid);
  const { start } = window;
  if (start.kind !== 'first') {
    const [lastActiveAt, id] = start.key;
    q = q.where((eb) => eb(eb.tuple(activeAt, eb.ref('conversations.id')), start.kind === 'before' ? '>' : '<', eb.tuple(lastActiveAt, id)));
  }
  const order = start.kind === 'before' ? 'asc' : 'desc';
  return q.orderBy(activeAt, order).orderBy('conversations.id', order).limit(window.limit);
}

/** Runs listConversationsQuery. */
export async function listConversations(
  db: Db,
  projectId: string,
  phoneNumberId: string,
  filter: ConversationFilter,
  window: KeysetWindow<ConversationKey>,
): Promise<ConversationView[]> {
  return listConversationsQuery(db, projectId, phoneNumberId, filter, window).execute();
}

/** Several conversations of one project by id, with their contact's name, in one query (the outbox renders batches). */
export async function findConversationsByIds(db: Db, projectId: string, ids: readonly string[]): Promise<ConversationView[]> {
  if (ids.length === 0) return [];
  return conversationsOfProject(db, projectId).where('conversations.id', 'in', ids).execute();
}

/**
 * A conversation of the caller's project (and of one number, when the path names one); another
 * project's conversation is as absent as one that never existed.
 */
export async function findConversation(db: Db, projectId: string, id: string, phoneNumberId?: string): Promise<ConversationView | undefined> {
  let q = conversationsOfProject(db, projectId).where('conversations.id', '=', id);
  if (phoneNumberId !== undefined) q = q.where('conversations.phone_number_id', '=', phoneNumberId);
  return q.executeTakeFirst();
}

/**
 * Ends or reopens a conversation of the project; a no-op when it already has that status.
 * Reopening counts as activity (last_active_at moves up to now): otherwise the sweep would end a
 * conversation quiet for over 24 hours again at once, and the customer's next message would open
 * a new one anyway (kapso-api.md §7.4). Returns whether the status changed.
 */
export async function setConversationStatus(db: Db, projectId: string, id: string, status: 'active' | 'ended', now: number): Promise<boolean> {
  const owned = db.selectFrom('phone_numbers').select('id').where('project_id', '=', projectId);
  const changes =
    status === 'ended'
      ? { status, ended_at: now, updated_at: now }
      : { status, ended_at: null, updated_at: now, last_active_at: sql<number>`case when last_active_at < ${now} then ${now} else last_active_at end` };
  const result = await db
    .updateTable('conversations')
    .set(changes)
    .where('id', '=', id)
    .where('status', '!=', status)
    .where('phone_number_id', 'in', owned)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Ends up to `limit` active conversations whose last activity is before `cutoffMs`, returning
 * the ids this call ended. The outer conditions are re-checked on the row actually updated (row
 * locks on PostgreSQL, the single writer on SQLite), so when several processes sweep at once each
 * conversation is ended by exactly one of them, and one that received a message meanwhile is
 * left active. Naming every number (`phone_number_id in …`) turns the search into one range scan
 * per number of the partial index of active conversations (migration 003), on both dialects;
 * `status` is a literal so that the planners can match that index's predicate.
 */
export async function endConversationsInactiveSince(db: Db, cutoffMs: number, now: number, limit: number): Promise<Array<{ id: string; phoneNumberId: string }>> {
  const active = sql.lit<'active'>('active');
  const quiet = db
    .selectFrom('conversations')
    .select('id')
    .where('status', '=', active)
    .where('phone_number_id', 'in', db.selectFrom('phone_numbers').select('id'))
    .where('last_active_at', '<', cutoffMs)
    .limit(limit);
  const ended = await db
    .updateTable('conversations')
    .set({ status: 'ended', ended_at: now, updated_at: now })
    .where('id', 'in', quiet)
    .where('status', '=', active)
    .where('last_active_at', '<', cutoffMs)
    .returning(['id', 'phone_number_id'])
    .execute();
  return ended.map((row) => ({ id: row.id, phoneNumberId: row.phone_number_id }));
}
