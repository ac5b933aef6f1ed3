import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { keyMatchesHash, prefixOf } from './keys.ts';
import { findLiveApiKeyByPrefix, findProjectPhoneNumber } from './store.ts';
import { TtlCache } from './ttl-cache.ts';
import { numbersGeneration } from './number-changes.ts';

/** How long a verified key or an ownership answer is reused before the database is asked again. */
export const TENANCY_CACHE_TTL_MS = 5_000;

type LookupDeps = Pick<Deps, 'database' | 'clock'>;

/** Resolves API keys and phone-number ownership, with short-lived caches on the hot path. */
export class TenantLookup {
  private readonly keys: TtlCache<string | null>;
  private readonly numbers: TtlCache<PhoneNumberRow | null>;
  private numbersSeen = numbersGeneration();

  constructor(private readonly deps: LookupDeps) {
    this.keys = new TtlCache(TENANCY_CACHE_TTL_MS, deps.clock);
    this.numbers = new TtlCache(TENANCY_CACHE_TTL_MS, deps.clock);
  }

  /** The project an API key belongs to, or null for a malformed, unknown or revoked key. */
  async projectOfKey(key: string): Promise<string | null> {
    const prefix = prefixOf(key);
    if (!prefix) return null;
    // Keyed by the presented key itself: it is in this process's memory for the request anyway,
    // and hashing it on every request would cost more than the lookup it saves.
    const cacheKey = key;
    const cached = this.keys.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = await findLiveApiKeyByPrefix(this.deps.database.db, prefix);
    const projectId = row && keyMatchesHash(key, row.hash) ? row.project_id : null;
    this.keys.set(cacheKey, projectId);
    return projectId;
  }

  /** The phone number if the project owns it; null for unknown and foreign numbers alike. */
  async phoneNumberOf(projectId: string, phoneNumberId: string): Promise<PhoneNumberRow | null> {
    // A number changed in this process (new token, removal) is read afresh at once.
    if (this.numbersSeen !== numbersGeneration()) {
      this.numbers.clear();
      this.numbersSeen = numbersGeneration();
    }
    const cacheKey = `${projectId}\u0000${phoneNumberId}`;
    const cached = this.numbers.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = (await findProjectPhoneNumber(this.deps.database.db, projectId, phoneNumberId)) ?? null;
    this.numbers.set(cacheKey, row);
    return row;
  }
}
