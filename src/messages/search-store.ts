import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.ts';
import { executeRead } from '../db/executor.ts';
import type { DB, MessageRow } from '../db/schema.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { type SearchTerms, toFts5Match, toTsquery } from './search-query.ts';
import { LESS_THAN_STAND_IN, MATCH_END, MATCH_START } from './search-snippet.ts';
import type { MessageFilter, MessageKey } from './store.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Whose messages a search reads: a project's (every number it has or kept), or one number of it. */
export interface SearchScope {
  projectId: string;
  phoneNumberId?: string | undefined;
}

/** A message a search found, with its text around the matches and the name of its customer. */
export interface FoundMessage extends MessageRow {
  /** The text around the matches, each match between MATCH_START and MATCH_END (not yet HTML). */
  marked_snippet: string | null;
  /** The customer's display name, else their profile name, else the name the message carried. */
  customer_name: string | null;
}

// Words of context a snippet shows around the matches.
const SNIPPET_WORDS = 24;

/**
 * One keyset window of the messages matching `terms` in `scope`, newest first (ascending from a
 * `before` cursor, as listMessagesQuery), with the other list filters applied to the matches.
 * The full-text index drives the scan: the matches are found, filtered and ordered, and only the
 * page's rows get a snippet and their customer's name. Needs only committed data.
 */
export async function searchMessages(db: Db, scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>): Promise<FoundMessage[]> {
  if (terms.words.length === 0) return [];
  const query = isPostgres(db) ? postgresSearch(scope, terms, filter, window) : sqliteSearch(scope, terms, filter, window);
  return executeRead(db, { compile: () => query.compile(db), execute: async () => (await query.execute(db)).rows });
}

/**
 * SQLite: FTS5's external-content table `messages_fts` (migration 021). `cross join` keeps the
 * index the outer loop whatever other filter is given (SQLite never reorders one): walking the
 * number's messages in time order and probing the index per row would read the whole history.
 * snippet() must run in a query that matches: the page's rows are matched again, each by its rowid.
 */
function sqliteSearch(scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<FoundMessage> {
  const match = toFts5Match(terms);
  const order = orderOf(window);
  return sql<FoundMessage>`
    with page as (
      select m.seq from messages_fts cross join messages m on m.seq = messages_fts.rowid
      join phone_numbers p on p.id = m.phone_number_id
      where messages_fts match ${match} and ${sql.join(conditionsOf(scope, filter, window), sql` and `)}
      order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}
    )
    select m.*, snippet(messages_fts, 0, ${MATCH_START}, ${MATCH_END}, '…', ${SNIPPET_WORDS}) as marked_snippet,
      coalesce(c.display_name, c.profile_name, m.contact_name) as customer_name
    from page cross join messages_fts on messages_fts.rowid = page.seq
    cross join messages m on m.seq = page.seq
    left join conversations cv on cv.id = m.conversation_id
    left join contacts c on c.id = cv.contact_id
    where messages_fts match ${match}
    order by m.timestamp ${order}, m.seq ${order}`;
}

/**
 * PostgreSQL: each of the scope's numbers is searched on its own (a lateral subquery per number,
 * so each can walk the number's messages newest first and stop at the page's size when a word is
 * common, or take the GIN index messages_content_search when it is rare; the condition repeats the
 * index's expression exactly), and the numbers' pages are merged. A single query over the project
 * had no time-ordered path: it fetched every match through the index, recomputed each one's
 * tsvector and sorted them all (2 s at 20,000 messages for a word in most of them). ts_headline
 * reads and parses the whole text, so it runs on the page's rows only; it is given the text with
 * `<` stood in for (search-snippet.ts), or it would drop whatever looks like a tag.
 */
function postgresSearch(scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<FoundMessage> {
  const tsquery = sql`to_tsquery('simple', ${toTsquery(terms)})`;
  const order = orderOf(window);
  const options = `StartSel="${MATCH_START}", StopSel="${MATCH_END}", MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=0, HighlightAll=false`;
  const matches = [sql`to_tsvector('simple', coalesce(m.content, '')) @@ ${tsquery}`, sql`m.phone_number_id = p.id`, ...messageConditionsOf(filter, window)];
  return sql<FoundMessage>`
    select m.*, ts_headline('simple', replace(coalesce(m.content, ''), '<', ${LESS_THAN_STAND_IN}), ${tsquery}, ${options}) as marked_snippet,
      coalesce(c.display_name, c.profile_name, m.contact_name) as customer_name
    from (
      select m.* from phone_numbers p
      cross join lateral (
        select m.* from messages m
        where ${sql.join(matches, sql` and `)}
        order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}
      ) m
      where ${sql.join(scopeConditionsOf(scope), sql` and `)}
      order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}
    ) m
    left join conversations cv on cv.id = m.conversation_id
    left join contacts c on c.id = cv.contact_id
    order by m.timestamp ${order}, m.seq ${order}`;
}

/** The scope, the list filters and the cursor, as conditions on `m` (messages) and `p` (its number). */
function conditionsOf(scope: SearchScope, filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<unknown>[] {
  return [...scopeConditionsOf(scope), ...messageConditionsOf(filter, window)];
}

/** Whose numbers are searched, as conditions on `p` (phone_numbers). */
function scopeConditionsOf(scope: SearchScope): RawBuilder<unknown>[] {
  // A number removed with its history kept is out of every search: the inbox answers its
  // conversations 404 (docs/inbox-api.md), so a hit there would open nothing.
  const conditions: RawBuilder<unknown>[] = [sql`p.project_id = ${scope.projectId}`, sql`p.removed_at is null`];
  if (scope.phoneNumberId !== undefined) conditions.push(sql`p.id = ${scope.phoneNumberId}`);
  return conditions;
}

/** The list filters and the cursor, as conditions on `m` (messages). */
function messageConditionsOf(filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.conversationId !== undefined) conditions.push(sql`m.conversation_id = ${filter.conversationId}`);
  if (filter.bsuid !== undefined) {
    conditions.push(sql`m.conversation_id in (select id from conversations where phone_number_id = m.phone_number_id and business_scoped_user_id = ${filter.bsuid})`);
  }
  if (filter.direction !== undefined) conditions.push(sql`m.direction = ${filter.direction}`);
  if (filter.status !== undefined) conditions.push(sql`m.status = ${filter.status}`);
  if (filter.sinceSec !== undefined) conditions.push(sql`m.timestamp >= ${filter.sinceSec}`);
  if (filter.untilSec !== undefined) conditions.push(sql`m.timestamp <= ${filter.untilSec}`);
  const { start } = window;
  if (start.kind !== 'first') {
    const [timestamp, seq] = start.key;
    conditions.push(start.kind === 'before' ? sql`(m.timestamp, m.seq) > (${timestamp}, ${seq})` : sql`(m.timestamp, m.seq) < (${timestamp}, ${seq})`);
  }
  return conditions;
}

/** Newest first, except a `before` window, which reads toward newer rows (assemblePage reverses it). */
function orderOf(window: KeysetWindow<MessageKey>): RawBuilder<unknown> {
  return window.start.kind === 'before' ? sql`asc` : sql`desc`;
}
