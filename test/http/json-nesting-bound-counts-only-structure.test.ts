import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/http/json-body.ts';

/** The same answer for a body read as bytes (webhooks) and as text (API bodies). */
const both = (json: string, maxDepth: number) => {
  const fromBytes = nestsDeeperThan(Buffer.from(json, 'utf8'), maxDepth);
  expect(nestsDeeperThan(json, maxDepth)).toBe(fromBytes);
  return fromBytes;
};

const deep = (depth: number, inner = '1') => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);

describe('the nesting bound of JSON bodies', () => {
  it('counts arrays and objects, and stops at the bound', () => {
    expect(both(deep(3), 3)).toBe(false);
    expect(both(deep(4), 3)).toBe(true);
    expect(both('['.repeat(70) + ']'.repeat(70), 64)).toBe(true);
  });

  it('does not count brackets inside strings', () => {
    expect(both(`{"text":"${'{['.repeat(500)}"}`, 3)).toBe(false);
  });

  it('sees the end of a string only at an unescaped quote', () => {
    // An escaped quote keeps the string open: the braces after it are text.
    expect(both(`{"a":"x\\"${'{'.repeat(10)}"}`, 3)).toBe(false);
    // An escaped backslash does not escape the quote after it: the string ends, the braces count.
    expect(both(`{"a":"x\\\\", "b":${deep(5)}}`, 3)).toBe(true);
    // Three backslashes: an escaped backslash, then an escaped quote; still inside the string.
    expect(both(`{"a":"x\\\\\\"${'{'.repeat(10)}"}`, 3)).toBe(false);
  });

  it('treats an unclosed string as text to its end', () => {
    expect(both(`{"a":"${'{'.repeat(100)}`, 3)).toBe(false);
  });

  it('walks multi-byte text the same way as bytes', () => {
    expect(both(`{"a":"é{ü[😀","b":${deep(4)}}`, 4)).toBe(true);
    expect(both(`{"a":"é{ü[😀","b":${deep(3)}}`, 4)).toBe(false);
  });
});
