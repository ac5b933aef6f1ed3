// Times as people read them: today's as a clock time, this week's as a weekday, older as a date.

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const date = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

const DAY_MS = 86_400_000;

/** A message's Meta timestamp (unix seconds as a string) or an ISO string, as a Date. */
export function toDate(value: string): Date {
  return /^\d+$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
}

/** The list's short time: 14:05, Tue, or 3 Dec 2026. */
export function shortTime(value: Date, now = new Date()): string {
  if (sameDay(value, now)) return clock.format(value);
  if (now.getTime() - value.getTime() < 6 * DAY_MS) return weekday.format(value);
  return date.format(value);
}

export function clockTime(value: Date): string {
  return clock.format(value);
}

/** The thread's day separator: Today, Yesterday, or the full date. */
export function dayLabel(value: Date, now = new Date()): string {
  if (sameDay(value, now)) return 'Today';
  if (sameDay(value, new Date(now.getTime() - DAY_MS))) return 'Yesterday';
  return day.format(value);
}

export function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A byte count as 12 KB / 3.4 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
