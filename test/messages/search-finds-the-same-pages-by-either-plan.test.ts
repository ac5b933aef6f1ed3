import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeysetWindow } from '../../src/http/list-page.ts';
import { parseSearchText } from '../../src/messages/search-query.ts';
import { type FoundMessage, type SearchOptions, searchMessages } from '../../src/messages/search-store.ts';
import { MATCH_END, MATCH_START } from '../../src/messages/search-snippet.ts';
import type { MessageFilter, MessageKey } from '../../src/messages/store.ts';
import { removePhoneNumber } from '../../src/tenants/manage-numbers.ts';
import { dialects } from '../helpers/dialects.ts';
import { newPhoneNumber, newProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';
import { type SeedMessage, storeMessages } from '../helpers/history.ts';

const T0 = 1767268800; // 2026-01-01T12:00:00Z
const PAGE = 4;
const WORDS = ['hello', 'ship', 'invoice', 'refund', 'tomorrow'];

/** Message i of a number: "order" in most, "Portugal" in half, "zanzibar" in a few; timestamps shared by pairs. */
function seedOf(prefix: string, count: number, offset: number): SeedMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const words = [i % 7 === 3 ? null : 'order', WORDS[i % 5], i % 2 === 0 ? 'Portugal' : null, i % 11 === 4 ? 'zanzibar' : null, `n${i}`];
    return {
      id: `${prefix}.${i}`,
      timestamp: T0 + offset + Math.floor(i / 2) * 3,
      waId: i % 3 === 0 ? '14155550001' : '14155550002',
      direction: i % 4 === 1 ? 'outbound' : 'inbound',
      body: words.filter((w) => w !== null).join(' '),
    };
  });
}

interface Row {
  id: string;
  seq: number;
  timestamp: number;
  direction: string;
  status: string;
  conversation_id: string;
  content: string | null;
}

/**
 * The reference search, read the slow and obvious way: every message of the project's live
 * numbers, its words compared in JavaScript (the seeded text is ASCII, where both full-text
 * indexes fold nothing but case), the filters applied, sorted by (timestamp, seq).
 */
function referenceOf(rows: readonly Row[], q: string, filter: MessageFilter): Row[] {
  const words = parseSearchText(q).words;
  const last = words.at(-1) ?? '';
  return rows
    .filter((r) => {
      const tokens: string[] = (r.content ?? '').toLowerCase().match(/[a-z0-9]+/g) ?? [];
      return words.slice(0, -1).every((w) => tokens.includes(w)) && tokens.some((t) => t.startsWith(last));
    })
    .filter((r) => filter.direction === undefined || r.direction === filter.direction)
    .filter((r) => filter.status === undefined || r.status === filter.status)
    .filter((r) => filter.conversationId === undefined || r.conversation_id === filter.conversationId)
    .filter((r) => filter.sinceSec === undefined || r.timestamp >= filter.sinceSec)
    .filter((r) => filter.untilSec === undefined || r.timestamp <= filter.untilSec)
    .filter(() => filter.bsuid === undefined)
    .sort((a, b) => b.timestamp - a.timestamp || b.seq - a.seq);
}

describe.each(dialects)('a search answers the same pages whichever plan finds them (%s)', (dialect) => {
  let gw: TestGateway;
  let projectId: string;
  let live: Row[];
  let conversationId: string;
  // Every plan forced; on SQLite also a walk whose budget is too small to be sure (it falls back).
  const plans: Array<[string, SearchOptions]> =
    dialect === 'sqlite'
      ? [
          ['chosen', {}],
          ['index', { sqlitePlan: { kind: 'index' } }],
          ['walk', { sqlitePlan: { kind: 'walk', candidatesPerNumber: 1_000_000 } }],
          ['short walk', { sqlitePlan: { kind: 'walk', candidatesPerNumber: 3 } }],
        ]
      : [
          ['chosen', {}],
          ['index', { postgresPlan: 'index' }],
          ['walk', { postgresPlan: 'walk' }],
        ];

  beforeAll(async () => {
    gw = await startGateway(dialect);
    ({ projectId } = await newProject(gw));
    const [a, b, removed] = [await newPhoneNumber(gw, projectId), await newPhoneNumber(gw, projectId), await newPhoneNumber(gw, projectId)];
    await storeMessages(gw, a.phoneNumberId, seedOf('a', 45, 0));
    await storeMessages(gw, b.phoneNumberId, seedOf('b', 35, 1));
    await storeMessages(gw, removed.phoneNumberId, seedOf('r', 20, 2));
    const other = await newProject(gw);
    await storeMessages(gw, (await newPhoneNumber(gw, other.projectId)).phoneNumberId, seedOf('o', 20, 0));
    expect(await removePhoneNumber(gw.deps, removed.phoneNumberId, 'kept', { projectId })).toBe(true);
    live = (await gw.deps.database.db
      .selectFrom('messages')
      .select(['id', 'seq', 'timestamp', 'direction', 'status', 'conversation_id', 'content'])
      .where('phone_number_id', 'in', [a.phoneNumberId, b.phoneNumberId])
      .execute()) as Row[];
    conversationId = live.find((r) => r.id === 'a.3')?.conversation_id ?? '';
  });
  afterAll(() => gw.close());

  const search = (q: string, filter: MessageFilter, window: KeysetWindow<MessageKey>, plan: SearchOptions) =>
    searchMessages(gw.deps.database.db, { projectId }, parseSearchText(q), filter, window, plan);

  /** Every page newest first, each read `after` the last row of the one before. */
  async function allPages(q: string, filter: MessageFilter, plan: SearchOptions): Promise<FoundMessage[]> {
    const found: FoundMessage[] = [];
    let window: KeysetWindow<MessageKey> = { start: { kind: 'first' }, limit: PAGE };
    for (;;) {
      const page = await search(q, filter, window, plan);
      found.push(...page);
      const last = page.at(-1);
      if (page.length < PAGE || !last) return found;
      window = { start: { kind: 'after', key: [last.timestamp, last.seq] }, limit: PAGE };
    }
  }

  const cases: Array<[string, string, () => MessageFilter]> = [
    ['a common word', 'order', () => ({})],
    ['a rare word', 'zanzibar', () => ({})],
    ['two words, the last a prefix', 'portugal ord', () => ({})],
    ['a word in no message', 'zebra', () => ({})],
    ['a common word, inbound only', 'order', () => ({ direction: 'inbound' })],
    ['a common word, outbound and sent', 'order', () => ({ direction: 'outbound', status: 'sent' })],
    ['a common word in a time range', 'order', () => ({ sinceSec: T0 + 12, untilSec: T0 + 40 })],
    ['a common word in one conversation', 'order', () => ({ conversationId })],
    ['a rare word in one conversation', 'zanzibar', () => ({ conversationId })],
    ['a common word of an unknown customer', 'order', () => ({ bsuid: 'US.nobody' })],
  ];

  it.each(cases)('pages %s newest first as the reference, with the same snippets', async (_label, q, filterOf) => {
    const filter = filterOf();
    const expected = referenceOf(live, q, filter).map((r) => r.id);
    const answers = [];
    for (const [name, plan] of plans) {
      const found = await allPages(q, filter, plan);
      expect({ name, ids: found.map((m) => m.id) }).toEqual({ name, ids: expected });
      answers.push(found);
    }
    for (const found of answers.slice(1)) expect(found).toEqual(answers[0]);
  });

  it.each(cases)('reads %s toward newer rows from a `before` cursor as the reference', async (_label, q, filterOf) => {
    const filter = filterOf();
    const reference = referenceOf(live, q, filter);
    const pivot = reference[Math.floor(reference.length / 2)] ?? live[0];
    if (!pivot) throw new Error('nothing seeded');
    const expected = reference.filter((r) => r.timestamp > pivot.timestamp || (r.timestamp === pivot.timestamp && r.seq > pivot.seq)).reverse().slice(0, PAGE).map((r) => r.id);
    const answers = [];
    for (const [name, plan] of plans) {
      const page = await search(q, filter, { start: { kind: 'before', key: [pivot.timestamp, pivot.seq] }, limit: PAGE }, plan);
      expect({ name, ids: page.map((m) => m.id) }).toEqual({ name, ids: expected });
      answers.push(page);
    }
    for (const page of answers.slice(1)) expect(page).toEqual(answers[0]);
  });

  it('marks the matched words in each snippet', async () => {
    const [first] = await search('portugal ord', {}, { start: { kind: 'first' }, limit: PAGE }, {});
    expect(first?.marked_snippet).toContain(`${MATCH_START}order${MATCH_END}`);
    expect(first?.marked_snippet).toContain(`${MATCH_START}Portugal${MATCH_END}`);
  });
});
