import { describe, expect, it } from 'vitest';
import { chooseSqliteSearchPlan, type SearchEstimate, type SqliteSearchPlan } from '../../src/messages/search-plan.ts';

describe('the SQLite search plan chosen from the count of matches', () => {
  it.each<[string, SearchEstimate, SqliteSearchPlan]>([
    ['no match at all: the index (it finds nothing at once)', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 0, numbers: 2 }, { kind: 'index' }],
    ['a word in 1 message of 1,000: the index', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 1_000, numbers: 2 }, { kind: 'index' }],
    ['just under 1 message of 200: the index', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 4_999, numbers: 2 }, { kind: 'index' }],
    ['1 message of 200: a walk of 4 pages’ worth of matches', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 5_000, numbers: 2 }, { kind: 'walk', candidatesPerNumber: 24_800 }],
    ['a word at the count’s cap (1 of 8): a walk of 32 pages', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 125_001, numbers: 2 }, { kind: 'walk', candidatesPerNumber: 992 }],
    ['a small store: a walk of at least a page', { pageSize: 5, storedMessages: 10, matchesCounted: 2, numbers: 1 }, { kind: 'walk', candidatesPerNumber: 100 }],
    ['every message matches: never less than a page', { pageSize: 31, storedMessages: 31, matchesCounted: 31 * 4, numbers: 1 }, { kind: 'walk', candidatesPerNumber: 31 }],
    ['a common word over 65 numbers: the index (the walk reads its budget from each)', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 125_001, numbers: 65 }, { kind: 'index' }],
    ['a common word over 64 numbers: a walk', { pageSize: 31, storedMessages: 1_000_000, matchesCounted: 125_001, numbers: 64 }, { kind: 'walk', candidatesPerNumber: 992 }],
  ])('%s', (_label, estimate, plan) => {
    expect(chooseSqliteSearchPlan(estimate)).toEqual(plan);
  });
});
