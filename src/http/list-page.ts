import type { z } from 'zod';
import type { CursorKey, PageStart } from './cursor.ts';
import type { pagingSchema } from './list-schemas.ts';

/**
 * The `{data, paging}` envelope of every history list (kapso-api.md §3), built around a keyset
 * window: lists are newest first, `after` moves toward older rows and `before` toward newer ones.
 */

/** One page, newest first, and whether rows exist beyond each end. */
export interface Page<R> {
  rows: R[];
  hasOlder: boolean;
  hasNewer: boolean;
}

export type Paging = z.infer<typeof pagingSchema>;

/**
 * Turns the rows a store fetched (`limit + 1` of them, in the window's scan order: descending for
 * the first page and `after`, ascending for `before`) into a page, newest first. The extra row only
 * tells whether another page exists. A page reached from a cursor always has rows on the side it
 * came from: the cursor's own row was there. (Pruning can delete it since: the page toward it then
 * comes back empty, with null cursors, which is the end of the list either way.)
 */
export function assemblePage<R>(fetched: readonly R[], limit: number, start: PageStart): Page<R> {
  const more = fetched.length > limit;
  const rows = fetched.slice(0, limit);
  if (start.kind === 'before') return { rows: rows.reverse(), hasOlder: true, hasNewer: more };
  return { rows, hasOlder: more, hasNewer: start.kind === 'after' };
}

/**
 * The paging block: a cursor (and a full URL) toward each side that has rows, `null` toward a side
 * that has none, so the last page carries `next: null` and `cursors.after: null` as Kapso's SDK
 * tests show, and the empty page is all nulls.
 */
export function buildPaging<R>(
  page: Page<R>,
  cursorOf: (row: R) => string,
  urlWith: (param: 'before' | 'after', cursor: string) => string,
): Paging {
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  const before = first !== undefined && page.hasNewer ? cursorOf(first) : null;
  const after = last !== undefined && page.hasOlder ? cursorOf(last) : null;
  return {
    cursors: { before, after },
    next: after === null ? null : urlWith('after', after),
    previous: before === null ? null : urlWith('before', before),
  };
}

/**
 * The request's own URL on the public origin (Meta puts full URLs in `next`/`previous`), keeping
 * every parameter the client sent except the cursor it is replacing.
 */
export function pageUrl(publicUrl: string, requestUrl: string, param: 'before' | 'after', cursor: string): string {
  const at = requestUrl.indexOf('?');
  const path = at === -1 ? requestUrl : requestUrl.slice(0, at);
  const params = new URLSearchParams(at === -1 ? '' : requestUrl.slice(at + 1));
  params.delete('before');
  params.delete('after');
  params.set(param, cursor);
  return `${publicUrl}${path}?${params.toString()}`;
}

/** What a store fetches: where the page starts and how many rows (the page size plus one). */
export interface KeysetWindow<K extends CursorKey> {
  start: PageStart<K>;
  limit: number;
}
