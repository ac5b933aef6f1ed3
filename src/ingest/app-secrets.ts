import type { Deps } from '../deps.ts';
import { findPhoneNumbersByIds, findPhoneNumbersByWabaIds } from '../tenants/store.ts';
import { TENANCY_CACHE_TTL_MS } from '../tenants/lookup.ts';
import { TtlCache } from '../tenants/ttl-cache.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { numbersGeneration } from '../tenants/number-changes.ts';

/**
 * The decrypted app secrets that can verify a webhook, by the phone numbers it names. Cached
 * briefly: every webhook needs them, and decrypting plus a query per POST is avoidable work.
 */
export class AppSecrets {
  private readonly byNumber: TtlCache<string>;
  private seen = numbersGeneration();

  constructor(private readonly deps: Pick<Deps, 'database' | 'cipher' | 'clock'>) {
    this.byNumber = new TtlCache(TENANCY_CACHE_TTL_MS, deps.clock);
  }

  /**
   * The app secret of each named phone number, or null when any of them is not registered here
   * (a payload we cannot fully verify is not accepted). Only numbers found are cached: an unsigned
   * body naming unknown ids would otherwise fill the cache with misses and flush the real entries,
   * and a number registered a moment after a miss would stay refused for the cache's lifetime.
   */
  async forNumbers(phoneNumberIds: readonly string[]): Promise<string[] | null> {
    // An app secret replaced or a number removed in this process counts at once (number-changes.ts).
    if (this.seen !== numbersGeneration()) {
      this.byNumber.clear();
      this.seen = numbersGeneration();
    }
    const missing = phoneNumberIds.filter((id) => this.byNumber.get(id) === undefined);
    if (missing.length > 0) {
      const rows = await findPhoneNumbersByIds(this.deps.database.db, missing);
      if (rows.length < missing.length) return null;
      for (const r of rows) this.byNumber.set(r.id, this.deps.cipher.decrypt(r.app_secret_enc, secretSlots.appSecret(r.id)));
    }
    const secrets: string[] = [];
    for (const id of phoneNumberIds) {
      const secret = this.byNumber.get(id);
      if (secret === undefined) return null;
      secrets.push(secret);
    }
    return [...new Set(secrets)];
  }

  /** App secrets of the numbers of the given WABAs, for webhooks that name no phone number. */
  async forWabas(wabaIds: readonly string[]): Promise<string[]> {
    const rows = await findPhoneNumbersByWabaIds(this.deps.database.db, wabaIds);
    return [...new Set(rows.map((r) => this.deps.cipher.decrypt(r.app_secret_enc, secretSlots.appSecret(r.id))))];
  }
}
