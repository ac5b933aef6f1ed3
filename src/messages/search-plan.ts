/**
 * How a full-text search on SQLite finds its page (pure). Two plans return the same rows:
 * - `index`: FTS5 yields every match, and each is joined to its message, filtered and sorted by
 *   (timestamp, seq). Its cost grows with the number of matches: 0.6 s for a word in nearly every
 *   one of 1,000,000 messages (`npm run bench:search-plans`; 2.2 s before the page's snippets were
 *   matched in one pass, BENCHMARKS.md), about a millisecond for a word in 1 message of 10,000.
 * - `walk`: each of the scope's numbers is walked newest first through messages_number_time,
 *   taking at most `candidatesPerNumber` rows, and those are matched in one FTS5 query bounded by
 *   their rowids. Its cost grows with how many messages it must read to fill the page, the page
 *   size divided by the share of messages that match: a few dozen for a word in nearly every
 *   message (under 0.1 s at 1,000,000, most of it FTS5 reading the prefix word's doclist), every
 *   message of the scope for a rare word.
 * The walk is only an attempt: when a number's candidates ran out of budget before it found a
 * page of matches, the result is not known to be the newest matches, and the index plan runs.
 */

/** The plan a search runs; `walk` with how many of each number's newest messages it may read. */
export type SqliteSearchPlan = { readonly kind: 'index' } | { readonly kind: 'walk'; readonly candidatesPerNumber: number };

/**
 * A walk is chosen for words in at least 1 message of COMMON_SHARE (the rule of thumb: the walk
 * reads about COMMON_SHARE × WALK_SLACK messages per row of the page, so it pays when that is
 * fewer than the matches the index plan would sort). Below it the index plan sorts at most
 * 1/COMMON_SHARE of the store: 5,000 matches at 1,000,000 messages, a few milliseconds, where a
 * walk's budget would be 24,800 messages per number for a page of 31.
 */
export const COMMON_SHARE = 200;
/**
 * The estimate counts matches up to 1 message of COUNT_SHARE: past that a word is common enough
 * that counting further would only cost time (counting is a read of the index's doclists, about
 * 30 ns a match, without the join and sort that make the index plan slow).
 */
export const COUNT_SHARE = 8;
/**
 * Candidates a walk reads are this many times the page size divided by the estimated share of
 * matches, so that a number whose share of matches is half the store's, or that the other list
 * filters thin out, still fills its page without falling back.
 */
export const WALK_SLACK = 4;

/**
 * More live numbers in the scope than this, and the index plan runs: the walk reads up to its
 * budget from every number (one arm of a `union all` each, and SQLite allows 500 arms at most).
 */
export const MAX_WALKED_NUMBERS = 64;

/** What the search needs to choose: the page size, the store's size and the matches counted (up to the cap). */
export interface SearchEstimate {
  /** Rows the page asks for (the window's limit). */
  pageSize: number;
  /** Messages stored, all projects together: the highest seq (pruned messages included). */
  storedMessages: number;
  /** Messages matching every word, all projects together, counted up to 1 more than storedMessages / COUNT_SHARE (rounded down). */
  matchesCounted: number;
  /** The scope's live numbers. */
  numbers: number;
}

/**
 * The plan for one search. The estimate is the whole store's (FTS5 counts per table, not per
 * project or number): a scope where the words are rarer than in the store, or other list filters
 * that thin the matches out, make the walk fall back to the index plan at the cost of at most
 * `candidatesPerNumber` index steps per number.
 */
export function chooseSqliteSearchPlan({ pageSize, storedMessages, matchesCounted, numbers }: SearchEstimate): SqliteSearchPlan {
  if (matchesCounted === 0 || matchesCounted * COMMON_SHARE < storedMessages || numbers > MAX_WALKED_NUMBERS) return { kind: 'index' };
  const candidatesPerNumber = Math.ceil((WALK_SLACK * pageSize * storedMessages) / matchesCounted);
  return { kind: 'walk', candidatesPerNumber: Math.max(candidatesPerNumber, pageSize) };
}
