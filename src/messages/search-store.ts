import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { isPostgres } from '../db/dialect.ts';
import { executeRead } from '../db/executor.ts';
import type { DB, MessageRow } from '../db/schema.ts';
import type { KeysetWindow } from '../http/list-page.ts';
import { chooseSqliteSearchPlan, COUNT_SHARE, type SearchEstimate, type SqliteSearchPlan } from './search-plan.ts';
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

/** Forces a plan on SQLite (tests and the bench compare the plans on the same data). */
export interface SearchOptions {
  sqlitePlan?: SqliteSearchPlan | undefined;
  postgresPlan?: PostgresSearchPlan | undefined;
  /**
   * PostgreSQL: how long each of the search's statements may run (SEARCH_TIMEOUT_MS); past it
   * PostgreSQL cancels it (SQLSTATE 57014, answered 503 by the error handler). Without it a
   * search the plans misjudge would keep a backend busy after the client gave up.
   */
  timeoutMs?: number | undefined;
}

/** PostgreSQL's two ways to a page (postgresSearch). */
export type PostgresSearchPlan = 'index' | 'walk';

/**
 * PostgreSQL counts a search's matches (in its scope, after its filters) up to this many: fewer,
 * and they are all fetched through the GIN index and sorted; this many or more, and each number is
 * walked newest first. Rechecking one row's text costs ~54 µs (its tsvector is recomputed), so the
 * count costs at most ~50 ms when the planner scans for it, and sorting fewer is as cheap.
 */
export const POSTGRES_WALK_FROM_MATCHES = 1000;

/**
 * One keyset window of the messages matching `terms` in `scope`, newest first (ascending from a
 * `before` cursor, as listMessagesQuery), with the other list filters applied to the matches.
 * Only the page's rows get a snippet and their customer's name. Needs only committed data.
 */
export async function searchMessages(db: Db, scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>, options: SearchOptions = {}): Promise<FoundMessage[]> {
  if (terms.words.length === 0) return [];
  if (isPostgres(db)) {
    const { timeoutMs } = options;
    if (timeoutMs === undefined || db.isTransaction) return postgresSearch(db, scope, terms, filter, window, options.postgresPlan);
    // A transaction of its own, so that the time limit is local to it (set_config's `true`).
    return db.transaction().execute(async (trx) => {
      await sql`select set_config('statement_timeout', ${String(timeoutMs)}, true)`.execute(trx);
      return postgresSearch(trx, scope, terms, filter, window, options.postgresPlan);
    });
  }
  return sqliteSearch(db, scope, terms, filter, window, options.sqlitePlan);
}

/** The plan searchMessages runs on SQLite for these words and this page size (tests ask). */
export async function planSqliteSearch(db: Db, scope: SearchScope, terms: SearchTerms, pageSize: number): Promise<SqliteSearchPlan> {
  const [estimate] = await read(db, sqliteEstimateQuery(scope, terms));
  return estimate ? chooseSqliteSearchPlan(choiceOf(estimate, pageSize)) : { kind: 'index' };
}

/**
 * SQLite: FTS5's external-content table `messages_fts` (migration 021), searched by one of two
 * plans chosen per query from a count of the matches (search-plan.ts). Both end in the same
 * statement, which gives the page's rows their snippet, so the plans agree to the byte.
 */
async function sqliteSearch(db: Db, scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>, forced: SqliteSearchPlan | undefined): Promise<FoundMessage[]> {
  const match = toFts5Match(terms);
  const [estimate] = await read(db, sqliteEstimateQuery(scope, terms));
  if (!estimate) return [];
  const numbers = JSON.parse(estimate.numbers) as string[];
  const plan = forced ?? chooseSqliteSearchPlan(choiceOf(estimate, window.limit));
  if (plan.kind === 'walk') {
    if (numbers.length === 0) return [];
    const walked = await read(db, sqliteWalkQuery(numbers, match, filter, window, plan.candidatesPerNumber));
    const seqs = pageOfWalk(walked, window.limit, plan.candidatesPerNumber);
    if (seqs) return read(db, sqlitePresentQuery(sql`select value as seq from json_each(${JSON.stringify(seqs)})`, match, window));
  }
  return read(db, sqlitePresentQuery(sqliteIndexPageQuery(scope, match, filter, window), match, window));
}

interface Estimate {
  matches: number;
  stored: number;
  /** The scope's live numbers' ids, a JSON array. */
  numbers: string;
}

function choiceOf(estimate: Estimate, pageSize: number): SearchEstimate {
  return { pageSize, storedMessages: estimate.stored, matchesCounted: estimate.matches, numbers: (JSON.parse(estimate.numbers) as string[]).length };
}

async function read<Row>(db: Db, query: RawBuilder<Row>): Promise<Row[]> {
  return executeRead(db, { compile: () => query.compile(db), execute: async () => (await query.execute(db)).rows });
}

/**
 * The choice's inputs and the scope's live numbers, in one statement. The count is FTS5's own, so
 * it tokenizes the words exactly as the index did, and it stops at 1 more than the highest seq
 * divided by COUNT_SHARE. A prefix word costs a read of every doclist of its terms whatever the
 * cap, so the words are counted whole first: their matches are a subset of the prefix's, and when
 * they reach the cap the prefix's do too (`case` evaluates the second count only when needed).
 */
function sqliteEstimateQuery(scope: SearchScope, terms: SearchTerms): RawBuilder<Estimate> {
  const stored = sql`(select coalesce(max(seq), 0) from messages)`;
  const cap = sql`${stored} / ${sql.lit(COUNT_SHARE)} + 1`;
  const count = (match: string) => sql`(select count(*) from (select 1 from messages_fts where messages_fts match ${match} limit ${cap}))`;
  return sql`
    select case when ${count(toFts5Match(terms, false))} >= ${cap} then ${cap} else ${count(toFts5Match(terms))} end as matches,
      ${stored} as stored,
      (select json_group_array(p.id) from phone_numbers p where ${sql.join(scopeConditionsOf(scope), sql` and `)}) as numbers`;
}

/**
 * The index plan's page: every match, joined to its message, filtered and sorted. `cross join`
 * keeps the index the outer loop whatever other filter is given (SQLite never reorders one).
 */
export function sqliteIndexPageQuery(scope: SearchScope, match: string, filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<{ seq: number }> {
  const order = orderOf(window);
  return sql`
    select m.seq from messages_fts cross join messages m on m.seq = messages_fts.rowid
    join phone_numbers p on p.id = m.phone_number_id
    where messages_fts match ${match} and ${sql.join(conditionsOf(scope, filter, window), sql` and `)}
    order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}`;
}

/** A row of the walk: a seq of the page, or one number's count of candidates read and matched. */
export interface WalkRow {
  seq: number | null;
  candidates: number | null;
  matches: number | null;
}

/**
 * The walk plan: each number's newest `candidates` messages (after the filters and the cursor) in
 * the order of messages_number_time, a `union all` of one bounded range scan per number as
 * PostgreSQL's lateral; then one FTS5 query keeps those that match. It is bounded by the
 * candidates' rowids (FTS5 seeks to them; `+` keeps SQLite from probing the index once per
 * candidate instead, which re-reads a prefix word's whole doclist each time). Answers the page's
 * seqs and, per number, how many candidates it read and how many matched (see pageOfWalk).
 */
export function sqliteWalkQuery(numbers: readonly string[], match: string, filter: MessageFilter, window: KeysetWindow<MessageKey>, candidates: number): RawBuilder<WalkRow> {
  const order = orderOf(window);
  const conditions = messageConditionsOf(filter, window);
  const arms = numbers.map((id) => sql`select * from (
      select m.seq, m.timestamp, m.phone_number_id from messages m
      where ${sql.join([sql`m.phone_number_id = ${id}`, ...conditions], sql` and `)}
      order by m.timestamp ${order}, m.seq ${order} limit ${candidates})`);
  return sql`
    with candidates as materialized (${sql.join(arms, sql` union all `)}),
    matched as materialized (
      select messages_fts.rowid as seq from messages_fts
      where messages_fts match ${match}
        and messages_fts.rowid between (select min(seq) from candidates) and (select max(seq) from candidates)
        and +messages_fts.rowid in (select seq from candidates)
    )
    select seq, null as candidates, null as matches from (
      select c.seq from candidates c where c.seq in (select seq from matched)
      order by c.timestamp ${order}, c.seq ${order} limit ${window.limit}
    )
    union all
    select null, count(*), count(x.seq) from candidates c left join matched x on x.seq = c.seq group by c.phone_number_id`;
}

/**
 * The page's seqs if the walk found the newest matches, else null. It did when every number
 * either matched a whole page among its candidates (they are its newest rows in page order, so
 * its first page of matches is among them) or had fewer candidates than the budget (it read the
 * whole number). The page of the scope is among the numbers' first pages.
 */
function pageOfWalk(rows: readonly WalkRow[], pageSize: number, candidatesPerNumber: number): number[] | null {
  const complete = rows.every((r) => r.candidates === null || (r.matches ?? 0) >= pageSize || r.candidates < candidatesPerNumber);
  return complete ? rows.flatMap((r) => (r.seq === null ? [] : [r.seq])) : null;
}

/**
 * The page's messages, with their snippet and their customer's name, in page order. snippet()
 * must run in a query that matches: the page is matched again in one FTS5 query bounded by its
 * rowids (as the walk's), not once per row, which for a prefix word re-read its whole doclist per
 * row (200 ms a page at 200,000 messages). The bounds must be integers, as the seqs of `page` are:
 * FTS5 ignores a rowid bound given as a REAL (what better-sqlite3 binds a JS number as), and a
 * `rowid = ?` so bound answers every match.
 */
function sqlitePresentQuery(page: RawBuilder<unknown>, match: string, window: KeysetWindow<MessageKey>): RawBuilder<FoundMessage> {
  const order = orderOf(window);
  return sql<FoundMessage>`
    with page as materialized (${page}),
    found as materialized (
      select messages_fts.rowid as seq, snippet(messages_fts, 0, ${MATCH_START}, ${MATCH_END}, '…', ${SNIPPET_WORDS}) as marked_snippet
      from messages_fts
      where messages_fts match ${match}
        and messages_fts.rowid between (select min(seq) from page) and (select max(seq) from page)
        and +messages_fts.rowid in (select seq from page)
    )
    select m.*, found.marked_snippet, coalesce(c.display_name, c.profile_name, m.contact_name) as customer_name
    from found cross join messages m on m.seq = found.seq
    left join conversations cv on cv.id = m.conversation_id
    left join contacts c on c.id = cv.contact_id
    order by m.timestamp ${order}, m.seq ${order}`;
}

/**
 * PostgreSQL: the matches in the scope are counted up to POSTGRES_WALK_FROM_MATCHES (the planner
 * takes the GIN index messages_content_search for a rare word and a scan that stops early for a
 * common one), then one of two plans reads the page:
 * - `index`, for fewer: every match through the GIN index (the `offset 0` fence keeps the planner
 *   from trading it for a time-ordered walk because of the `limit`), sorted.
 * - `walk`, for more: each of the scope's numbers is searched on its own, a lateral subquery that
 *   walks the number's messages newest first and stops at the page's size, and the numbers' pages
 *   are merged. A single query over the project had no time-ordered path (2 s at 20,000 messages
 *   for a word in most of them).
 * The planner alone chose badly both ways: at 1,000,000 messages, a word in no message walked
 * every row, recomputing each one's tsvector (over 30 s), because a `limit` makes an ordered walk
 * look cheap whenever any match is expected.
 * The condition repeats the index's expression exactly. ts_headline reads and parses the whole
 * text, so it runs on the page's rows only; it is given the text with `<` stood in for
 * (search-snippet.ts), or it would drop whatever looks like a tag.
 */
async function postgresSearch(db: Db, scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>, forced: PostgresSearchPlan | undefined): Promise<FoundMessage[]> {
  const tsquery = sql`to_tsquery('simple', ${toTsquery(terms)})`;
  const matches = postgresMatchConditions(tsquery, filter, window);
  const plan = forced ?? (await choosePostgresPlan(db, scope, matches));
  const page = plan === 'walk' ? postgresWalkQuery(scope, matches, window) : postgresIndexQuery(scope, matches, window);
  return read(db, postgresPresentQuery(page, tsquery, window));
}

/** The plan searchMessages runs on PostgreSQL for these words, filters and window (tests ask). */
export async function planPostgresSearch(db: Db, scope: SearchScope, terms: SearchTerms, filter: MessageFilter, window: KeysetWindow<MessageKey>): Promise<PostgresSearchPlan> {
  return choosePostgresPlan(db, scope, postgresMatchConditions(sql`to_tsquery('simple', ${toTsquery(terms)})`, filter, window));
}

/** A message matching the words, on one of the scope's numbers (`p`), within the filters and the window. */
function postgresMatchConditions(tsquery: RawBuilder<unknown>, filter: MessageFilter, window: KeysetWindow<MessageKey>): RawBuilder<unknown>[] {
  return [sql`to_tsvector('simple', coalesce(m.content, '')) @@ ${tsquery}`, sql`m.phone_number_id = p.id`, ...messageConditionsOf(filter, window)];
}

/**
 * The matches counted up to POSTGRES_WALK_FROM_MATCHES. The planner counts well on its own: a word
 * in 1 message of 500 of 1,000,000 takes the GIN index (2 ms), a word in every one a scan that stops
 * at the cap (58 ms); its statistics of the index's words are what it lacked for the page itself.
 */
async function choosePostgresPlan(db: Db, scope: SearchScope, matches: RawBuilder<unknown>[]): Promise<PostgresSearchPlan> {
  const [counted] = await read(
    db,
    sql<{ matches: number }>`select count(*)::int as matches from (
      select 1 from messages m join phone_numbers p on p.id = m.phone_number_id
      where ${sql.join([...matches, ...scopeConditionsOf(scope)], sql` and `)}
      limit ${POSTGRES_WALK_FROM_MATCHES}) found`,
  );
  return (counted?.matches ?? 0) >= POSTGRES_WALK_FROM_MATCHES ? 'walk' : 'index';
}

/** The `index` plan's page (see postgresSearch). */
function postgresIndexQuery(scope: SearchScope, matches: RawBuilder<unknown>[], window: KeysetWindow<MessageKey>): RawBuilder<MessageRow> {
  const order = orderOf(window);
  return sql<MessageRow>`
    select m.* from (
      select m.* from messages m join phone_numbers p on p.id = m.phone_number_id
      where ${sql.join([...matches, ...scopeConditionsOf(scope)], sql` and `)}
      offset 0
    ) m
    order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}`;
}

/** The `walk` plan's page (see postgresSearch). */
function postgresWalkQuery(scope: SearchScope, matches: RawBuilder<unknown>[], window: KeysetWindow<MessageKey>): RawBuilder<MessageRow> {
  const order = orderOf(window);
  return sql<MessageRow>`
    select m.* from phone_numbers p
    cross join lateral (
      select m.* from messages m
      where ${sql.join(matches, sql` and `)}
      order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}
    ) m
    where ${sql.join(scopeConditionsOf(scope), sql` and `)}
    order by m.timestamp ${order}, m.seq ${order} limit ${window.limit}`;
}

/** The page's rows with their snippet and their customer's name. */
function postgresPresentQuery(page: RawBuilder<MessageRow>, tsquery: RawBuilder<unknown>, window: KeysetWindow<MessageKey>): RawBuilder<FoundMessage> {
  const order = orderOf(window);
  const options = `StartSel="${MATCH_START}", StopSel="${MATCH_END}", MaxWords=${SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS / 2}, ShortWord=0, HighlightAll=false`;
  return sql<FoundMessage>`
    select m.*, ts_headline('simple', replace(coalesce(m.content, ''), '<', ${LESS_THAN_STAND_IN}), ${tsquery}, ${options}) as marked_snippet,
      coalesce(c.display_name, c.profile_name, m.contact_name) as customer_name
    from (${page}) m
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
