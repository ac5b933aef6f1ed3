/**
 * Instants on the history API's wire (kapso-api.md §1.4): filters accept ISO 8601 or Unix seconds;
 * Kapso's own timestamps are emitted as ISO 8601 UTC with microseconds.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const UNIX_SECONDS = /^\d{1,11}$/;

/**
 * Epoch milliseconds of an ISO 8601 date or date-time, or of Unix seconds; null when the value is
 * neither, or names a day that does not exist. A date-time without an offset is read as UTC, the
 * zone every timestamp we emit is in.
 */
export function parseInstantMs(raw: string): number | null {
  const value = raw.trim();
  if (UNIX_SECONDS.test(value)) return Number(value) * 1000;
  const m = ISO.exec(value);
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = m;
  if (!isCalendarDay(Number(y), Number(mo), Number(d)) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3).replace(':', '') || '00'}`;
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(ms) ? null : ms;
}

/** `2026-01-01T12:05:00.000000Z`: the microsecond form of Kapso's examples. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** Same, for nullable columns. */
export function formatOptionalInstant(ms: number | null): string | null {
  return ms === null ? null : formatInstant(ms);
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
