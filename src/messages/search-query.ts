/**
 * What a person types into a search box, turned into a query each database's full-text search
 * runs safely (pure). Neither FTS5's MATCH language nor PostgreSQL's tsquery syntax is exposed:
 * the text is cut into words (runs of letters and digits, in any script) and every word is
 * quoted, so quotes, `*`, `NEAR`, `OR`, `-`, parentheses or `:` in the text are never syntax
 * and no input can make the query fail. All words must occur (AND); the last one also matches
 * as a prefix, so results follow the typing ("pay" finds "payment").
 */
import { errors } from '../http/errors.ts';

/** The words of a search, lower-cased, in the order typed, each once. */
export interface SearchTerms {
  readonly words: readonly string[];
}

/** Longer than this, `q` is refused (400): no one types it, and each word costs an index lookup. */
export const MAX_QUERY_LENGTH = 256;
/** More words than this are refused (400) for the same reason. */
export const MAX_QUERY_WORDS = 16;

// A word starts with a letter or digit; combining marks inside it stay (they are part of the
// letter, and both tokenizers fold or keep them the same way on both sides of the match).
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** The words of `text`; none when it has no letter or digit at all (a search that finds nothing). */
export function parseSearchText(text: string): SearchTerms {
  const seen = new Set<string>();
  for (const match of text.normalize('NFC').matchAll(WORD)) seen.add(match[0].toLowerCase());
  return { words: [...seen] };
}

/**
 * An FTS5 MATCH expression: each word a quoted string (`"` doubled, though words never hold one),
 * juxtaposed for AND, the last with FTS5's prefix `*`. The quoted string is tokenized by the
 * table's own tokenizer, so it folds diacritics exactly as the indexed text was folded.
 * Without `lastAsPrefix` every word must occur whole: a subset of the matches, cheaper to count.
 */
export function toFts5Match(terms: SearchTerms, lastAsPrefix = true): string {
  return terms.words.map((word, i) => `"${word.replaceAll('"', '""')}"${lastAsPrefix && i === terms.words.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * A to_tsquery text: each word a quoted lexeme (`'` and `\` escaped, though words never hold
 * one), joined with `&`, the last with the `:*` prefix marker.
 */
export function toTsquery(terms: SearchTerms): string {
  const quote = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return terms.words.map((word, i) => `${quote(word)}${i === terms.words.length - 1 ? ':*' : ''}`).join(' & ');
}

/** The words of a `q` parameter; more than MAX_QUERY_WORDS answers 400 naming `q`. */
export function readSearchParam(text: string): SearchTerms {
  const terms = parseSearchText(text);
  if (terms.words.length > MAX_QUERY_WORDS) throw errors.invalidParameter('q', `Parameter 'q' has more than ${MAX_QUERY_WORDS} words.`);
  return terms;
}
