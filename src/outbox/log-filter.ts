import type { DeliveryLogQuery, LogPeriod } from './log-schemas.ts';
import type { DeliveryLogFilter } from './log-store.ts';

const HOUR_MS = 3_600_000;

/** §8.8's `period` values: how far back the log looks from now. */
export const PERIOD_MS: Readonly<Record<LogPeriod, number>> = { '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS, '30d': 30 * 24 * HOUR_MS };

/**
 * The store filter a list query asks for. `period` (24h by default, §8.8) counts back from now;
 * an explicit `since` or `until` replaces it, so `until` alone reaches back without limit. Pure.
 */
export function deliveryLogFilter(
  q: Pick<DeliveryLogQuery, 'status' | 'event' | 'webhook_id' | 'errors_only' | 'period' | 'since' | 'until'>,
  now: number,
): DeliveryLogFilter {
  const explicit = q.since !== undefined || q.until !== undefined;
  return {
    status: q.status,
    event: q.event,
    webhookId: q.webhook_id,
    errorsOnly: q.errors_only,
    sinceMs: explicit ? q.since : now - PERIOD_MS[q.period],
    untilMs: explicit ? q.until : undefined,
  };
}
