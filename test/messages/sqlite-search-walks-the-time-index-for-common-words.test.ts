import { CompiledQuery, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeysetWindow } from '../../src/http/list-page.ts';
import { parseSearchText, toFts5Match } from '../../src/messages/search-query.ts';
import { planSqliteSearch, sqliteIndexPageQuery, sqliteWalkQuery } from '../../src/messages/search-store.ts';
import type { MessageFilter, MessageKey } from '../../src/messages/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z

// SQLite only: SQLite's planner has no statistics of the words, so the store chooses from a count
// of its own, and these tests pin what each of its two plans reads. PostgreSQL's choice:
// postgres-search-counts-matches-to-choose-its-plan.test.ts.
describe.skipIf(!dialects.includes('sqlite'))('a search on SQLite (sqlite)', () => {
  let gw: TestGateway;
  let projectId: string;
  let numbers: string[];

  beforeAll(async () => {
    gw = await startGateway('sqlite');
    ({ projectId } = await newProject(gw));
    numbers = [(await newPhoneNumber(gw, projectId)).phoneNumberId, (await newPhoneNumber(gw, projectId)).phoneNumberId];
    // 402 messages: "order" in every one, "zanzibar" in 1 (under 1 in 200), "parcel" in 3 (over).
    for (const [n, id] of numbers.entries()) {
      await storeMessages(gw, id, Array.from({ length: 201 }, (_, i) => ({
        id: `m${n}.${i}`,
        timestamp: T0 + i,
        body: ['order', i === 7 && n === 0 ? 'zanzibar' : '', i % 67 === 5 && n === 1 ? 'parcel' : ''].join(' '),
      })));
    }
  });
  afterAll(() => gw.close());

  const planOf = async (query: RawBuilder<unknown>) => {
    const compiled = query.compile(gw.deps.database.db);
    const { rows } = await gw.deps.database.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return rows.map((r) => r.detail);
  };

  it.each([
    ['a word in every message', 'order', 'walk'],
    ['a word in 3 messages of 402', 'parcel', 'walk'],
    ['a word in 1 message of 402', 'zanzibar', 'index'],
    ['two words, the rarer in 1 message', 'order zanzibar', 'index'],
    ['a word in none', 'zebra', 'index'],
  ])('walks the time index for %s only when the words are in 1 message of 200 or more', async (_label, q, kind) => {
    expect((await planSqliteSearch(gw.deps.database.db, { projectId }, parseSearchText(q), 31)).kind).toBe(kind);
  });

  it.each<[string, MessageFilter, KeysetWindow<MessageKey>, string]>([
    ['the first page', {}, { start: { kind: 'first' }, limit: 31 }, '(phone_number_id=?)'],
    ['a page after a cursor', {}, { start: { kind: 'after', key: [T0 + 50, 40] }, limit: 31 }, '(phone_number_id=? AND timestamp<?)'],
    ['a page before a cursor', {}, { start: { kind: 'before', key: [T0 + 50, 40] }, limit: 31 }, '(phone_number_id=? AND timestamp>?)'],
    ['inbound messages in a time range', { direction: 'inbound', sinceSec: T0, untilSec: T0 + 100 }, { start: { kind: 'first' }, limit: 31 }, '(phone_number_id=? AND timestamp>? AND timestamp<?)'],
  ])('walks each number newest first through messages_number_time for %s, matching only the candidates', async (_label, filter, window, range) => {
    const plan = await planOf(sqliteWalkQuery(numbers, toFts5Match(parseSearchText('order')), filter, window, 992));
    const arms = plan.filter((d) => d.startsWith('SEARCH m '));
    expect(arms).toHaveLength(2);
    for (const arm of arms) expect(arm).toMatch(new RegExp(`^SEARCH m USING (COVERING )?INDEX messages_number_time ${range.replace(/[()?]/g, '\\$&')}$`));
    // The index is read between the candidates' rowids, never whole; the one sort is of the candidates that matched.
    expect(plan.filter((d) => d.startsWith('SCAN messages_fts'))).toEqual(['SCAN messages_fts VIRTUAL TABLE INDEX 0:M1><']);
    const sorted = plan.indexOf('USE TEMP B-TREE FOR ORDER BY');
    expect(plan.slice(sorted - 1, sorted + 2)).toEqual(['CREATE BLOOM FILTER', 'USE TEMP B-TREE FOR ORDER BY', 'SCAN (subquery-10)']);
    expect(plan.filter((d) => d === 'USE TEMP B-TREE FOR ORDER BY')).toHaveLength(1);
  });

  it('drives a rare word from the full-text index and sorts only its matches', async () => {
    const plan = await planOf(sqliteIndexPageQuery({ projectId }, toFts5Match(parseSearchText('zanzibar')), {}, { start: { kind: 'first' }, limit: 31 }));
    expect(plan).toEqual([
      'SCAN messages_fts VIRTUAL TABLE INDEX 0:M1',
      'SEARCH m USING INTEGER PRIMARY KEY (rowid=?)',
      expect.stringMatching(/^SEARCH p USING INDEX sqlite_autoindex_phone_numbers_1 \(id=\?\)$/),
      'USE TEMP B-TREE FOR ORDER BY',
    ]);
  });
});
