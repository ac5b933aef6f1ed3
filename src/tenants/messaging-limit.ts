/**
 * Meta's messaging limits (meta-cloud-api.md §5.4, kapso-broadcasts.md §8.2): the unique customers
 * a business may reach outside a customer-service window in a moving 24 h, named by tier. Pure:
 * tier names from Meta or the operator become a number of recipients (or Infinity).
 */

/** The moving window Meta counts unique recipients over. */
export const MESSAGING_LIMIT_WINDOW_MS = 24 * 3_600_000;

/**
 * The current field (`whatsapp_business_manager_messaging_limit`, per business portfolio since
 * v24.0) and the deprecated phone-level one (`messaging_limit_tier`), which also returned
 * `TIER_50`, `TIER_1K` and `TIER_NOT_SET`.
 */
export const MESSAGING_LIMIT_FIELDS = ['whatsapp_business_manager_messaging_limit', 'messaging_limit_tier'] as const;

/** `TIER_250`, `TIER_2K`, `TIER_100K`: a count, optionally in thousands. */
const COUNTED_TIER = /^TIER_(\d{1,7})(K?)$/;

/**
 * A tier as stored: Meta's name upper-cased (`tier_2k` → `TIER_2K`, `TIER_2000` → `TIER_2K`), or
 * null for what is no limit Meta documents (`TIER_NOT_SET`, anything else): unknown.
 */
export function normaliseTier(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const tier = value.trim().toUpperCase();
  if (tier === 'TIER_UNLIMITED') return tier;
  const counted = COUNTED_TIER.exec(tier);
  if (!counted) return null;
  const recipients = Number(counted[1]) * (counted[2] ? 1000 : 1);
  return recipients > 0 ? tierOfCount(recipients) : null;
}

/** Meta's name for a count: thousands are written `K` (`2000` → `TIER_2K`, `250` → `TIER_250`). */
function tierOfCount(recipients: number): string {
  return recipients % 1000 === 0 ? `TIER_${recipients / 1000}K` : `TIER_${recipients}`;
}

/** Unique recipients per 24 h a stored tier allows: a count, Infinity, or null when unknown. */
export function recipientsOfTier(tier: string | null): number | null {
  if (tier === null) return null;
  if (tier === 'TIER_UNLIMITED') return Infinity;
  const counted = COUNTED_TIER.exec(tier);
  return counted ? Number(counted[1]) * (counted[2] ? 1000 : 1) : null;
}

/**
 * The tier in a `GET /{phone_number_id}?fields=…` answer: the current field when it names a
 * tier, else the deprecated one; null when neither does (a test number may carry neither).
 */
export function tierFromMetaFields(fields: Record<string, unknown>): string | null {
  for (const name of MESSAGING_LIMIT_FIELDS) {
    const tier = normaliseTier(fields[name]);
    if (tier !== null) return tier;
  }
  return null;
}

/**
 * What an operator may type for a limit: a tier name (`TIER_250`), a count Meta has a tier for
 * (`250`, `2000` …), or `unlimited`. Returns the stored tier, or null when it is none of these.
 */
export function tierOfSetting(value: string | number): string | null {
  const text = String(value).trim();
  if (text.toLowerCase() === 'unlimited') return 'TIER_UNLIMITED';
  if (/^\d{1,7}$/.test(text)) return KNOWN_COUNTS.includes(Number(text)) ? tierOfCount(Number(text)) : null;
  return normaliseTier(text);
}

/** The counts Meta has had tiers for (the deprecated phone-level field included). */
const KNOWN_COUNTS = [50, 250, 1000, 2000, 10_000, 100_000];

/** The values an operator may give, for messages that refuse another one. */
export const LIMIT_SETTINGS_HELP = 'a tier such as TIER_250 or TIER_2K, a count (250, 2000, 10000, 100000) or unlimited';

/**
 * The unique recipients per 24 h a number is held to: its tier, else the operator's default
 * (SEND_DEFAULT_MESSAGING_LIMIT; unlimited unless set, see docs/sending.md).
 */
export function messagingLimitOf(number: { messaging_limit_tier: string | null }, defaultLimit: number): number {
  return recipientsOfTier(number.messaging_limit_tier) ?? defaultLimit;
}
