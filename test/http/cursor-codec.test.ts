import { describe, expect, it } from 'vitest';
import { type CursorKey, createCursorCodec, cursorBinding, deriveCursorKey, type KeyShape, readPageStart } from '../../src/http/cursor.ts';
import { GraphError } from '../../src/http/errors.ts';

const codec = createCursorCodec(deriveCursorKey('test-secret'));
const binding = cursorBinding('messages', 'project-1', '112233445566778');
const INT_INT: KeyShape = ['int', 'int'];
const token = codec.encode(binding, [1767268800, 42]);
const [body = '', mac = ''] = token.split('.');
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
describe('history cursors', () => {
  it.each<[string, CursorKey, KeyShape]>([
    ['a message key', [1767268800, 42], ['int', 'int']],
    ['a conversation key', [1767268800000, '7d1c3e52-9a4b-4f0e-8c21-5b6a9d0e3f47'], ['int', 'string']],
    ['a zero key', [0, 0], ['int', 'int']],
  ])('reads back %s it issued', (_label, key, shape) => {
    const issued = codec.encode(binding, key);
    expect(issued).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(codec.decode(binding, issued, shape)).toEqual(key);
  });

  it.each<[string, string, string?]>([
    ['a body with one character changed', `${flip(body, 2)}.${mac}`],
    ['a body whose last character differs only in spare bits', `${flip(body, body.length - 1)}.${mac}`],
    ['a MAC with one character changed', `${body}.${flip(mac, 0)}`],
    ['a MAC whose last character differs only in spare bits', `${body}.${flip(mac, mac.length - 1)}`],
    ['a MAC cut short', `${body}.${mac.slice(0, 21)}`],
    ['no MAC at all', body],
    ['an empty string', ''],
    ['Kapso-style unsigned base64 JSON', Buffer.from('{"values":["2026-01-01T12:00:00Z","1"],"columns":["created_at","id"]}').toString('base64')],
    ['a very long token', `${'A'.repeat(600)}.${mac}`],
    ['another list', token, cursorBinding('conversations', 'project-1', '112233445566778')],
    ['another project', token, cursorBinding('messages', 'project-2', '112233445566778')],
    ['another number', token, cursorBinding('messages', 'project-1', '112233445566779')],
  ])('refuses %s', (_label, given, as = binding) => {
    expect(codec.decode(as, given, INT_INT)).toBeNull();
  });

  it('refuses a cursor signed with another secret', () => {
    const other = createCursorCodec(deriveCursorKey('another-secret'));
    expect(codec.decode(binding, other.encode(binding, [1, 2]), INT_INT)).toBeNull();
  });

  it.each<[string, CursorKey, KeyShape]>([
    ['too few columns', [1], ['int', 'int']],
    ['a string where an integer belongs', ['1', 2], ['int', 'int']],
    ['a fraction', [1.5, 2], ['int', 'int']],
    ['a negative number', [-1, 2], ['int', 'int']],
    ['an over-long string', [1, 'x'.repeat(129)], ['int', 'string']],
  ])('refuses a validly signed key with %s', (_label, key, shape) => {
    expect(codec.decode(binding, codec.encode(binding, key), shape)).toBeNull();
  });

  describe('readPageStart', () => {
    it.each<[string, { before?: string; after?: string }, object]>([
      ['no cursor as the first page', {}, { kind: 'first' }],
      ['after', { after: token }, { kind: 'after', key: [1767268800, 42] }],
      ['before', { before: token }, { kind: 'before', key: [1767268800, 42] }],
    ])('reads %s', (_label, query, expected) => {
      expect(readPageStart(codec, binding, INT_INT, query)).toEqual(expected);
    });

    it.each<[string, { before?: string; after?: string }, string]>([
      ['a forged after', { after: `${body}.${flip(mac, 3)}` }, "'after'"],
      ['a forged before', { before: 'nope' }, "'before'"],
      ['both at once', { before: token, after: token }, "'before'"],
    ])('answers 400 naming the parameter for %s', (_label, query, named) => {
      const error = (() => {
        try {
          readPageStart(codec, binding, INT_INT, query);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(GraphError);
      expect(error).toMatchObject({ statusCode: 400, code: 100, details: expect.stringContaining(named) });
    });
  });
});
