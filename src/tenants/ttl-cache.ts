import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';

/**
 * A bounded cache with a time-to-live for hot tenancy lookups (API key → project, phone number
 * ownership, app secrets): lru-cache, on the injected clock so tests move time by hand. An entry
 * is served for `ttlMs` after it was set (reading it does not extend it), so a revoked key stops
 * working within that time in every process without cross-process invalidation. A full cache
 * drops its least recently used entry. A null value is kept like any other (a miss the caller
 * chose to remember); undefined means not cached.
 */
export class TtlCache<V> {
  // Boxed: lru-cache takes no null values, and callers cache null for "no such key".
  private readonly entries: LRUCache<string, { value: V }>;

  constructor(ttlMs: number, clock: Clock, maxEntries = 10_000) {
    this.entries = new LRUCache({
      max: maxEntries,
      ttl: ttlMs,
      // Read the clock on every check: lru-cache otherwise reuses a reading for 1 ms of real time,
      // which a test clock moved by hand within that millisecond would not see.
      ttlResolution: 0,
      perf: { now: () => clock.now() },
    });
  }

  /** The cached value, or undefined when absent or expired. */
  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, { value });
  }

  clear(): void {
    this.entries.clear();
  }
}
