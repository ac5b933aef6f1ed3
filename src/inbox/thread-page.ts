import type { CursorCodec } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import type { PageStart } from '../http/cursor.ts';
import type { MessageKey } from '../messages/store.ts';

/**
 * Paging of a conversation's thread (docs/inbox-api.md): newest first; `next` pages towards older
 * messages, `previous` towards newer ones. A cursor is the sort key (Meta's timestamp, seq) of the
 * page's edge row and the direction to go from it, signed for this conversation. Pure.
 */

const SHAPE = ['string', 'int', 'int'] as const;
type Direction = 'older' | 'newer';

/** The binding of a thread's cursors: one conversation of one project. */
export function threadBinding(projectId: string, conversationId: string): string {
  return `inbox-thread\n${projectId}\n${conversationId}`;
}

/** Where a page given `cursor` starts; a cursor this thread did not issue answers 400. */
export function threadPageStart(codec: CursorCodec, binding: string, cursor: string | undefined): PageStart<MessageKey> {
  if (cursor === undefined) return { kind: 'first' };
  const key = codec.decode(binding, cursor, SHAPE);
  if (key === null || (key[0] !== 'older' && key[0] !== 'newer')) throw errors.invalidParameter('cursor', "Parameter 'cursor' is not a cursor issued by this list.");
  return { kind: key[0] === 'older' ? 'after' : 'before', key: [key[1] as number, key[2] as number] };
}

/** A thread page's `paging`: a cursor toward each side that has messages, else null. */
export function threadPaging<R extends { timestamp: number; seq: number }>(
  codec: CursorCodec,
  binding: string,
  page: { rows: readonly R[]; hasOlder: boolean; hasNewer: boolean },
): { next: string | null; previous: string | null } {
  const first = page.rows[0];
  const last = page.rows[page.rows.length - 1];
  const cursor = (direction: Direction, row: R) => codec.encode(binding, [direction, Number(row.timestamp), Number(row.seq)]);
  return {
    next: last !== undefined && page.hasOlder ? cursor('older', last) : null,
    previous: first !== undefined && page.hasNewer ? cursor('newer', first) : null,
  };
}

/**
 * The page around a message, `limit` messages newest first: about half newer than it, it, and the
 * older ones; a side with fewer leaves its share to the other, so the page is full whenever the
 * thread has that many. `newer` is fetched oldest first and `atAndOlder` newest first, each with up
 * to `limit + 1` rows, so whether more exist beyond the page is known on both sides.
 */
export function assembleAroundPage<R>(newer: readonly R[], atAndOlder: readonly R[], limit: number): { rows: R[]; hasOlder: boolean; hasNewer: boolean } {
  const newerTaken = Math.min(newer.length, Math.max(Math.floor(limit / 2), limit - atAndOlder.length));
  const olderTaken = Math.min(atAndOlder.length, limit - newerTaken);
  return {
    rows: [...newer.slice(0, newerTaken).reverse(), ...atAndOlder.slice(0, olderTaken)],
    hasNewer: newer.length > newerTaken,
    hasOlder: atAndOlder.length > olderTaken,
  };
}
