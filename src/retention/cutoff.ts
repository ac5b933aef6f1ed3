import { parseInstantMs } from '../http/instants.ts';

const DAY_MS = 86_400_000;
const DAYS = /^(\d{1,6})d$/i;

/**
 * The instant `--before` names, epoch ms, as of `nowMs` (pure): an ISO 8601 date or date-time
 * (UTC unless it says otherwise) or an age in days (`90d`: 90 days before now). A value in the
 * future is refused: pruning up to it would delete messages still arriving. Returns the reason
 * as one line when the value is not usable.
 */
export function parseCutoff(raw: string, nowMs: number): { ok: true; ms: number } | { ok: false; reason: string } {
  const value = raw.trim();
  const days = DAYS.exec(value);
  if (days) {
    const n = Number(days[1]);
    if (n < 1) return { ok: false, reason: `--before must be at least 1d, got '${raw}'` };
    return { ok: true, ms: nowMs - n * DAY_MS };
  }
  // Bare digits read as Unix seconds elsewhere; here they are more likely a forgotten `d`.
  const ms = /^\d+$/.test(value) ? null : parseInstantMs(value);
  if (ms === null) return { ok: false, reason: `--before must be an ISO 8601 date or date-time (2026-01-31, 2026-01-31T12:00:00Z) or an age in days (90d), got '${raw}'` };
  if (ms > nowMs) return { ok: false, reason: `--before must not be in the future, got '${raw}' (now is ${new Date(nowMs).toISOString()})` };
  return { ok: true, ms };
}
