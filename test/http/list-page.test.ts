import { describe, expect, it } from 'vitest';
import type { PageStart } from '../../src/http/cursor.ts';
import { assemblePage, buildPaging, type Page, pageUrl } from '../../src/http/list-page.ts';

const first: PageStart = { kind: 'first' };
const after: PageStart = { kind: 'after', key: [9] };
const before: PageStart = { kind: 'before', key: [0] };

describe('assemblePage', () => {
  it.each<[string, number[], number, PageStart, Page<number>]>([
    ['a first page with more to come', [9, 8, 7], 2, first, { rows: [9, 8], hasOlder: true, hasNewer: false }],
    ['a first page that is the only page', [9, 8], 2, first, { rows: [9, 8], hasOlder: false, hasNewer: false }],
    ['an empty first page', [], 2, first, { rows: [], hasOlder: false, hasNewer: false }],
    ['a page after a cursor with more to come', [6, 5, 4], 2, after, { rows: [6, 5], hasOlder: true, hasNewer: true }],
    ['the last page after a cursor', [6], 2, after, { rows: [6], hasOlder: false, hasNewer: true }],
    ['a page before a cursor, fetched ascending', [1, 2, 3], 2, before, { rows: [2, 1], hasOlder: true, hasNewer: true }],
    ['the newest page before a cursor', [1, 2], 2, before, { rows: [2, 1], hasOlder: true, hasNewer: false }],
  ])('turns %s into a newest-first page', (_label, fetched, limit, start, expected) => {
    expect(assemblePage(fetched, limit, start)).toEqual(expected);
  });
});

describe('buildPaging', () => {
  const cursorOf = (n: number) => `c${n}`;
  const urlWith = (param: string, cursor: string) => `u?${param}=${cursor}`;

  it.each<[string, Page<number>, object]>([
    ['the only page', { rows: [9, 8], hasOlder: false, hasNewer: false }, { cursors: { before: null, after: null }, next: null, previous: null }],
    ['a first page', { rows: [9, 8], hasOlder: true, hasNewer: false }, { cursors: { before: null, after: 'c8' }, next: 'u?after=c8', previous: null }],
    ['a middle page', { rows: [7, 6], hasOlder: true, hasNewer: true }, { cursors: { before: 'c7', after: 'c6' }, next: 'u?after=c6', previous: 'u?before=c7' }],
    ['the last page', { rows: [1], hasOlder: false, hasNewer: true }, { cursors: { before: 'c1', after: null }, next: null, previous: 'u?before=c1' }],
    ['an empty page', { rows: [], hasOlder: true, hasNewer: true }, { cursors: { before: null, after: null }, next: null, previous: null }],
  ])('links %s', (_label, page, expected) => {
    expect(buildPaging(page, cursorOf, urlWith)).toEqual(expected);
  });
});

describe('pageUrl', () => {
  it.each<[string, 'before' | 'after', string, string]>([
    ['/v24.0/1/messages', 'after', 'x.y', 'https://gw.example/v24.0/1/messages?after=x.y'],
    ['/v24.0/1/messages?limit=7&direction=inbound', 'after', 'x', 'https://gw.example/v24.0/1/messages?limit=7&direction=inbound&after=x'],
    ['/v24.0/1/messages?after=old&limit=7', 'before', 'x', 'https://gw.example/v24.0/1/messages?limit=7&before=x'],
    ['/v24.0/1/messages?before=old&after=older', 'after', 'x', 'https://gw.example/v24.0/1/messages?after=x'],
    ['/v24.0/1/messages?fields=kapso(direction)', 'after', 'x', 'https://gw.example/v24.0/1/messages?fields=kapso%28direction%29&after=x'],
  ])('builds from %s a URL with %s', (requestUrl, param, cursor, expected) => {
    expect(pageUrl('https://gw.example', requestUrl, param, cursor)).toBe(expected);
  });
});
