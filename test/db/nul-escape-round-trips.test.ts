import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFromPostgres, encodeForPostgres, parseJsonFromPostgres } from '../../src/db/postgres-text.ts';

/** The PostgreSQL wire escape (db/postgres-text.ts) loses nothing and leaves no NUL behind. */
describe('the PostgreSQL NUL and lone-surrogate escape', () => {
  // Strings biased towards the characters the escape is about.
  const hostile = fc.array(fc.oneof(fc.constantFrom('\u0000', '\uffff', '\\', 'u0000', 'ud800', 'uDC00', '\ud800', '\udc00', '\ud83d\ude00', '0', '1', '2', '3', '4', 'd800', '"'), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join(''));

  it('decodes every encoded string back to itself, with no NUL and no JSON NUL escape on the wire', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const wire = encodeForPostgres(text);
        expect(wire).not.toContain('\u0000');
        expect(decodeFromPostgres(wire)).toBe(text);
      }),
      { seed: 16, numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('keeps a JSON document valid JSON without \\u0000 escapes, and parses it back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostile, (value, text) => {
        const json = JSON.stringify({ value, text, [text]: text });
        const wire = encodeForPostgres(json);
        expect(/(^|[^\\])(\\\\)*\\u(0000|[dD][89a-fA-F])/.test(wire)).toBe(false);
        expect(JSON.parse(wire)).toBeTruthy();
        expect(parseJsonFromPostgres(wire)).toEqual(JSON.parse(json));
      }),
      { seed: 16, numRuns: Number(process.env.FUZZ_RUNS ?? 500) },
    );
  });

  it('leaves ordinary text untouched', () => {
    expect(encodeForPostgres('héllo \\n "world"')).toBe('héllo \\n "world"');
  });
});
