import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestGateway } from './harness.ts';

/**
 * Shared pieces of the hostile-input properties (test/http/hostile-input-*.test.ts): generators
 * of the inputs a hostile client or a broken Meta sends, and the checks every answer must pass.
 * Runs are seeded and short in `npm test`; FUZZ_RUNS (and FUZZ_SEED) run them long.
 */
export function fuzzOptions(runs: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: Number(process.env.FUZZ_SEED ?? 16), numRuns: Number(process.env.FUZZ_RUNS ?? runs), endOnFailure: true };
}

/** Strings that break things: NUL, the PostgreSQL escape character, lone surrogates, SQL, traversal, huge numbers. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\uffff0',
    '\ud800',
    '\\u0000',
    "' or 1=1 --",
    '../../etc/passwd',
    '..%2F..%2F',
    '%00',
    '%',
    '-1',
    '0',
    '1e309',
    'NaN',
    'null',
    'true',
    '[]',
    '{}',
    '__proto__',
    'x'.repeat(600),
    '9'.repeat(40),
    '2026-13-45T99:99:99Z',
  ),
);

/** Any JSON value, biased to wrong types where a string, number or object is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, true, false, null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Every byte percent-encoded, so any string (lone surrogates included) is a valid URL piece. */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** A path segment or query value: valid-looking, encoded hostile, or raw and malformed. */
export const urlPiece = (valid: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: valid.length > 0 ? fc.constantFrom(...valid) : fc.constant('x') },
    { weight: 3, arbitrary: hostileString.map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%00', '%E0%A4%A', '%', '%ff%fe', '..', '%2e%2e%2f', 'a%2Fb', '%C0%AF', '~', '%20') },
  );

/** The routes an app serves, as [method, path pattern] pairs, read from its route tree. */
export function routesOf(app: FastifyInstance): Array<{ method: string; path: string }> {
  const routes: Array<{ method: string; path: string }> = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)/u.exec(line);
    if (!match) continue;
    const depth = [...(match[1] ?? '')].length / 4;
    // Alternatives such as `:phoneNumberId|:id` name one segment; the first name serves.
    const segment = (match[2] ?? '').replace(/\|[^/]*/g, '');
    stack.length = depth;
    stack.push(segment);
    for (const method of (match[3] ?? '').split(', ')) if (method !== 'HEAD') routes.push({ method, path: stack.join('') });
  }
  return routes;
}

/** An answer a client can rely on: never a 5xx, and every error in Meta's envelope. */
export function expectNoServerErrorAndEnvelope(res: LightMyRequestResponse, what: string): void {
  expect(res.statusCode, `${what} → ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  expect(res.headers['content-type'], what).toMatch(/^application\/json/);
  const body = res.json() as { error?: Record<string, unknown> };
  expect(Object.keys(body), what).toEqual(['error']);
  expect(body.error, what).toEqual(
    expect.objectContaining({ message: expect.any(String), type: expect.any(String), code: expect.any(Number), fbtrace_id: expect.any(String) }),
  );
}

/**
 * What a refused request must leave as it was: the row count of every table, and the rows of the
 * tables a request may edit in place (for a database of the test's own).
 */
export async function storedFingerprint(gw: TestGateway): Promise<string> {
  const { db } = gw.deps.database;
  const tables = ['projects', 'api_keys', 'phone_numbers', 'contacts', 'conversations', 'messages', 'message_statuses', 'webhooks', 'events', 'deliveries', 'media'] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  const editable = await Promise.all((['contacts', 'conversations', 'webhooks', 'api_keys'] as const).map((t) => db.selectFrom(t).selectAll().orderBy('id').execute()));
  return JSON.stringify({ counts, editable });
}
