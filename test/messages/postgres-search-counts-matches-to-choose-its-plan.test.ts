import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearchText } from '../../src/messages/search-query.ts';
import { planPostgresSearch, POSTGRES_WALK_FROM_MATCHES, searchMessages } from '../../src/messages/search-store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z

// PostgreSQL only: its planner, left to itself, walked a number's whole history for a word in no
// message (a `limit` makes the time-ordered walk look cheap), recomputing every row's tsvector: over
// 30 s at 1,000,000 messages (BENCHMARKS.md). The store counts the matches first and takes the GIN
// index for fewer than POSTGRES_WALK_FROM_MATCHES, the walk for more.
describe.skipIf(!dialects.includes('postgres'))('a search on PostgreSQL chooses its plan from a count of the matches (postgres)', () => {
  let gw: TestGateway;
  let projectId: string;
  let otherProjectId: string;
  const first = { start: { kind: 'first' as const }, limit: 30 };

  beforeAll(async () => {
    gw = await startGateway('postgres');
    ({ projectId } = await newProject(gw));
    const number = (await newPhoneNumber(gw, projectId)).phoneNumberId;
    // POSTGRES_WALK_FROM_MATCHES + 50 messages: "order" in every one, "parcel" in the 10 oldest.
    await storeMessages(gw, number, Array.from({ length: POSTGRES_WALK_FROM_MATCHES + 50 }, (_, i) => ({
      id: `pg-plan.${i}`,
      timestamp: T0 + i,
      body: i < 10 ? 'order parcel' : 'order',
    })));
    // Another project's matches count for nothing in this one's choice.
    otherProjectId = (await newProject(gw)).projectId;
  });
  afterAll(() => gw.close());

  it('walks each number newest first for a word in as many messages as the count goes to', async () => {
    expect(await planPostgresSearch(gw.deps.database.db, { projectId }, parseSearchText('order'), {}, first)).toBe('walk');
  });

  it('takes the GIN index for a word in few messages, or in none', async () => {
    expect(await planPostgresSearch(gw.deps.database.db, { projectId }, parseSearchText('parcel'), {}, first)).toBe('index');
    expect(await planPostgresSearch(gw.deps.database.db, { projectId }, parseSearchText('zebra'), {}, first)).toBe('index');
  });

  it('counts within the scope and the filters: another project, or a window past most matches, is not common', async () => {
    expect(await planPostgresSearch(gw.deps.database.db, { projectId: otherProjectId }, parseSearchText('order'), {}, first)).toBe('index');
    expect(await planPostgresSearch(gw.deps.database.db, { projectId }, parseSearchText('order'), { untilSec: T0 + 20 }, first)).toBe('index');
  });

  it('finds the oldest matches through the index, newest first', async () => {
    const found = await searchMessages(gw.deps.database.db, { projectId }, parseSearchText('parcel'), {}, first);
    expect(found.map((m) => m.id)).toEqual(Array.from({ length: 10 }, (_, i) => `pg-plan.${9 - i}`));
  });
});
