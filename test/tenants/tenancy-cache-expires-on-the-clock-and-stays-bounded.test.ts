import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../src/tenants/ttl-cache.ts';
import { createTestClock } from '../helpers/harness.ts';

describe('the tenancy cache', () => {
  it('serves an entry for its time-to-live on the injected clock, then forgets it', () => {
    const clock = createTestClock();
    const cache = new TtlCache<string>(5_000, clock);
    cache.set('key', 'project');
    clock.advance(4_999);
    expect(cache.get('key')).toBe('project');
    clock.advance(2);
    expect(cache.get('key')).toBeUndefined();
  });

  it('does not extend an entry’s life when it is read', () => {
    const clock = createTestClock();
    const cache = new TtlCache<string>(5_000, clock);
    cache.set('key', 'project');
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      cache.get('key');
    }
    clock.advance(1);
    expect(cache.get('key')).toBeUndefined();
  });

  it('keeps a cached null apart from a key it never saw', () => {
    const clock = createTestClock();
    const cache = new TtlCache<string | null>(5_000, clock);
    cache.set('revoked', null);
    expect(cache.get('revoked')).toBeNull();
    expect(cache.get('never-seen')).toBeUndefined();
  });

  it('holds at most its bound, dropping the least recently used entry', () => {
    const clock = createTestClock();
    const cache = new TtlCache<number>(5_000, clock, 3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('a')).toBe(1);
    cache.set('d', 4);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([1, 3, 4]);
  });

  it('forgets everything when cleared', () => {
    const clock = createTestClock();
    const cache = new TtlCache<number>(5_000, clock);
    cache.set('a', 1);
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
  });
});
