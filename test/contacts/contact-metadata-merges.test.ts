import { describe, expect, it } from 'vitest';
import { MAX_METADATA_BYTES, MAX_METADATA_KEYS, type Metadata, mergeMetadata } from '../../src/contacts/metadata.ts';
import { GraphError } from '../../src/http/errors.ts';

describe('mergeMetadata', () => {
  it.each<[string, unknown, Metadata, Metadata]>([
    ['a new key into an empty object', {}, { tier: 'gold' }, { tier: 'gold' }],
    ['a new key next to stored ones', { tier: 'gold' }, { region: 'eu' }, { tier: 'gold', region: 'eu' }],
    ['a replaced value', { tier: 'gold' }, { tier: 'silver' }, { tier: 'silver' }],
    ['a nested object as a whole', { prefs: { a: 1, b: 2 } }, { prefs: { a: 3 } }, { prefs: { a: 3 } }],
    ['null as a removal', { tier: 'gold', region: 'eu' }, { tier: null }, { region: 'eu' }],
    ['the removal of an absent key', { tier: 'gold' }, { nope: null }, { tier: 'gold' }],
    ['an empty patch', { tier: 'gold' }, {}, { tier: 'gold' }],
    ['a stored value that is not an object', ['x'], { tier: 'gold' }, { tier: 'gold' }],
    ['a stored null', null, { tier: 'gold' }, { tier: 'gold' }],
    ['arrays and numbers as values', {}, { tags: ['a', 'b'], score: 3 }, { tags: ['a', 'b'], score: 3 }],
  ])('merges %s', (_label, stored, patch, expected) => {
    expect(mergeMetadata(stored, patch)).toEqual(expected);
  });

  it.each<[string, unknown, Metadata]>([
    ['too many keys', Object.fromEntries(Array.from({ length: MAX_METADATA_KEYS }, (_, i) => [`k${i}`, i])), { one_more: 1 }],
    ['too many bytes', {}, { blob: 'x'.repeat(MAX_METADATA_BYTES) }],
  ])('answers 400 naming metadata for %s', (_label, stored, patch) => {
    expect(() => mergeMetadata(stored, patch)).toThrow(GraphError);
    try {
      mergeMetadata(stored, patch);
    } catch (e) {
      expect(e).toMatchObject({ statusCode: 400, details: expect.stringContaining("'metadata'") });
    }
  });

  it('accepts a result exactly at the key limit', () => {
    const stored = Object.fromEntries(Array.from({ length: MAX_METADATA_KEYS - 1 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(mergeMetadata(stored, { last: 1 }))).toHaveLength(MAX_METADATA_KEYS);
  });
});
