import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fullBucket, hasToken, refillBucket, takeToken } from '../../src/pacing/token-bucket.ts';
import { describeIssue, formatParam } from '../../src/simulator/validate/zod-details.ts';

describe('token bucket', () => {
  const limit = { capacity: 2, refillPerMs: 1 / 1000 };
  it('spends its capacity, then refills with time and never above capacity', () => {
    let bucket = fullBucket(limit, 0);
    bucket = takeToken(takeToken(bucket));
    expect(hasToken(refillBucket(bucket, limit, 999))).toBe(false);
    expect(hasToken(refillBucket(bucket, limit, 1000))).toBe(true);
    expect(refillBucket(bucket, limit, 60_000).tokens).toBe(2);
  });
  it('earns nothing when the clock goes backwards', () => {
    const bucket = takeToken(fullBucket(limit, 5000));
    expect(refillBucket(bucket, limit, 1000).tokens).toBe(1);
  });
});

describe('Meta wording of validation details', () => {
  it.each([
    ['', ['to'], 'to'],
    ['text', ['body'], "text['body']"],
    ['interactive', ['action', 'buttons', 0, 'reply'], "interactive['action']['buttons'][0]['reply']"],
    ['contacts', [0, 'name'], "contacts[0]['name']"],
  ])('formats root %j and path %j as %s', (root, path, param) => {
    expect(formatParam(root, path)).toBe(param);
  });

  const first = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error('expected a failure');
    return describeIssue('p', result.error.issues[0] as z.core.$ZodIssue);
  };
  it.each([
    ['a missing key', z.object({ a: z.string() }), {}, "The parameter p['a'] is required."],
    ['a wrong type', z.object({ a: z.string() }), { a: 1 }, "Param p['a'] must be a string."],
    ['a long string', z.string().max(2), 'abc', 'Param p must be at most 2 characters long.'],
    ['an enum', z.enum(['x', 'y']), 'z', 'Param p must be one of {x, y} - got "z".'],
    ['an unknown key', z.strictObject({}), { k: 1 }, 'Unexpected key "k" on param "p".'],
  ])('describes %s', (_name, schema, value, details) => {
    expect(first(schema, value)).toBe(details);
  });
});
