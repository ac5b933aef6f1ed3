import { describe, expect, it } from 'vitest';
import { createCursorCodec, deriveCursorKey } from '../../src/http/cursor.ts';
import { GraphError } from '../../src/http/errors.ts';
import { assembleAroundPage, threadBinding, threadPageStart, threadPaging } from '../../src/inbox/thread-page.ts';

const codec = createCursorCodec(deriveCursorKey('test-secret'));
const binding = threadBinding('p1', 'c1');
const row = (seq: number) => ({ timestamp: 1_000 + seq, seq });

describe('thread paging', () => {
  it('starts at the newest message without a cursor', () => {
    expect(threadPageStart(codec, binding, undefined)).toEqual({ kind: 'first' });
  });

  it('round-trips next (older) and previous (newer) cursors', () => {
    const paging = threadPaging(codec, binding, { rows: [row(9), row(8)], hasOlder: true, hasNewer: true });
    expect(threadPageStart(codec, binding, paging.next as string)).toEqual({ kind: 'after', key: [1_008, 8] });
    expect(threadPageStart(codec, binding, paging.previous as string)).toEqual({ kind: 'before', key: [1_009, 9] });
  });

  it('gives null toward a side with no messages', () => {
    expect(threadPaging(codec, binding, { rows: [row(1)], hasOlder: false, hasNewer: false })).toEqual({ next: null, previous: null });
    expect(threadPaging(codec, binding, { rows: [], hasOlder: true, hasNewer: true })).toEqual({ next: null, previous: null });
  });

  it('refuses a cursor of another conversation', () => {
    const foreign = threadPaging(codec, threadBinding('p1', 'c2'), { rows: [row(1)], hasOlder: true, hasNewer: false }).next as string;
    expect(() => threadPageStart(codec, binding, foreign)).toThrow(GraphError);
    expect(() => threadPageStart(codec, binding, 'garbage')).toThrow(GraphError);
  });

  it.each<[string, number[], number[], number, { rows: number[]; hasNewer: boolean; hasOlder: boolean }]>([
    ['in the middle', [6, 7, 8, 9, 10, 11], [5, 4, 3, 2, 1, 0], 5, { rows: [7, 6, 5, 4, 3], hasNewer: true, hasOlder: true }],
    ['the newest', [], [11, 10, 9, 8, 7, 6], 5, { rows: [11, 10, 9, 8, 7], hasNewer: false, hasOlder: true }],
    ['the oldest', [1, 2, 3, 4, 5, 6], [0], 5, { rows: [4, 3, 2, 1, 0], hasNewer: true, hasOlder: false }],
    ['in a short thread', [3], [2, 1, 0], 5, { rows: [3, 2, 1, 0], hasNewer: false, hasOlder: false }],
  ])('puts a message %s on a full page around it, newest first', (_case, newer, older, limit, expected) => {
    expect(assembleAroundPage(newer, older, limit)).toEqual(expected);
  });
});
