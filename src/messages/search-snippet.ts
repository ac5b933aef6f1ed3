/**
 * Search snippets as HTML (pure). The database marks the matched words in a message's text with
 * two private-use characters (FTS5 snippet(), PostgreSQL ts_headline()); only here does text
 * become markup: everything is HTML-escaped, then the marks become `<mark>`/`</mark>`. A message
 * can hold anything, so the only tags the result may contain are balanced `<mark>` pairs: a stray
 * marker character typed by a customer can at worst highlight a word, never open an element.
 */

import { HTML_ESCAPES } from '../http/escape-html.ts';

/** Put by the database before a matched word. U+E000, a private-use character. */
export const MATCH_START = '\uE000';
/** Put by the database after a matched word. U+E001. */
export const MATCH_END = '\uE001';

/**
 * Stands for `<` in text handed to PostgreSQL's ts_headline, whose parser takes `<b>` or
 * `<script>` for markup and drops it from the headline: the customer's text would lose it. U+E002.
 */
export const LESS_THAN_STAND_IN = '\uE002';

const ESCAPES: Readonly<Record<string, string>> = { ...HTML_ESCAPES, [LESS_THAN_STAND_IN]: '&lt;' };

/** The HTML of a marked snippet: escaped text, matches in `<mark>…</mark>`, nothing else. */
export function snippetHtml(marked: string): string {
  let html = '';
  let open = false;
  for (const char of marked) {
    if (char === MATCH_START) {
      if (!open) html += '<mark>';
      open = true;
    } else if (char === MATCH_END) {
      if (open) html += '</mark>';
      open = false;
    } else {
      html += ESCAPES[char] ?? char;
    }
  }
  return open ? `${html}</mark>` : html;
}
