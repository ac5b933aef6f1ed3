/**
 * A small bounded cache with a time-to-live, for hot tenancy lookups (API key → project, phone
 * number ownership, app secrets). Entries live `ttlMs`; a revoked key stops working within that
 * time in every process without cross-process invalidation.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The cached value, or undefined when absent or expired. */
  get(key: string, now: number): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Stores a value; a full cache is emptied rather than tracked entry by entry (cheap, rare). */
  set(key: string, value: V, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, expiresAt: now + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }
}
