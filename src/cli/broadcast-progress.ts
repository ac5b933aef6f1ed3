import { formatSecond } from '../broadcasts/present.ts';
import type { BroadcastRow, BroadcastStatus } from '../db/schema.ts';

/*
 * What `broadcasts show ID --watch` prints, pure: the live bar on a terminal, the plain line per
 * change elsewhere, and the rate and ETA both derive from the counters on the broadcast's row.
 */

/** A broadcast's status and counters as one read of its row gives them (never a recount). */
export interface BroadcastProgress {
  status: BroadcastStatus;
  total: number;
  pending: number;
  sent: number;
  failed: number;
  delivered: number;
  read: number;
  responded: number;
}

/** One read's time and how many recipients were done (sent or failed) by then. */
export interface ProgressSample {
  atMs: number;
  done: number;
}

/** The progress a broadcast row carries. */
export function progressOf(row: BroadcastRow): BroadcastProgress {
  return {
    status: row.status,
    total: row.total_recipients,
    pending: row.pending_count,
    sent: row.sent_count,
    failed: row.failed_count,
    delivered: row.delivered_count,
    read: row.read_count,
    responded: row.responded_count,
  };
}

/** Whether two reads differ in status or any counter: what makes a new line worth printing. */
export function progressChanged(before: BroadcastProgress | undefined, after: BroadcastProgress): boolean {
  if (before === undefined) return true;
  return (Object.keys(after) as Array<keyof BroadcastProgress>).some((k) => before[k] !== after[k]);
}

/** Recipients the worker is finished with: a failure is as done as a send. */
export function doneOf(p: BroadcastProgress): number {
  return p.sent + p.failed;
}

/** Whole percent done, rounded down so 100% means every recipient; 0 for a broadcast without any. */
export function percentDone(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.floor((done * 100) / total));
}

/** `[####......]` with `cells` cells between the brackets, filled in proportion (rounded down). */
export function renderBar(done: number, total: number, cells: number): string {
  const filled = total <= 0 ? 0 : Math.min(cells, Math.floor((cells * done) / total));
  return `[${'#'.repeat(filled)}${'.'.repeat(cells - filled)}]`;
}

/**
 * Recipients done per second between the oldest and the newest sample; null until two reads
 * apart in time exist. Never negative (a recipient moving from sent to failed stays done).
 */
export function doneRatePerSecond(samples: readonly ProgressSample[]): number | null {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || last.atMs <= first.atMs) return null;
  return Math.max(0, ((last.done - first.done) * 1000) / (last.atMs - first.atMs));
}

/** Seconds until the pending recipients are done at `ratePerSecond`; null when nothing moves. */
export function etaSeconds(pending: number, ratePerSecond: number | null): number | null {
  if (pending <= 0) return 0;
  if (ratePerSecond === null || ratePerSecond <= 0) return null;
  return pending / ratePerSecond;
}

/** `0:45`, `12:05`, `1:02:03`: seconds rounded up, so the last second shows `0:01`, not `0:00`. */
export function formatDuration(seconds: number): string {
  const whole = Math.ceil(Math.max(0, seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** `6,200`: thousands grouped as an operator reads them, whatever the machine's locale. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `85 msg/s`, `2.5 msg/s` below ten (a slow number's rate would otherwise read 0 or 3). */
export function formatRate(ratePerSecond: number): string {
  return ratePerSecond < 10 ? `${(Math.round(ratePerSecond * 10) / 10).toFixed(1)} msg/s` : `${formatCount(Math.round(ratePerSecond))} msg/s`;
}

/** Widest and narrowest bar, in cells; the bar takes what the text leaves of the terminal up to the widest. */
const BAR_MAX_CELLS = 30;
const BAR_MIN_CELLS = 10;

interface Part {
  /** Which ` · `-separated group the part belongs to. */
  group: number;
  /** Parts with the highest rank are dropped first when the terminal is narrow; 0 is never dropped. */
  rank: number;
  text: string;
}

/**
 * The terminal's one-line view, at most `columns - 1` wide (a line filling the last column wraps
 * on some terminals, and the next carriage return would then redraw the wrong line):
 * `[#######.....] 62% 6,200/10,000 sent 6,100 delivered 5,900 read 40 failed 12 responded · 85 msg/s · ETA 0:45 · sending`.
 * Rate and ETA show only while sending; on a narrow terminal the least telling parts go first.
 */
export function progressLine(p: BroadcastProgress, ratePerSecond: number | null, columns: number): string {
  const done = doneOf(p);
  const parts: Part[] = [
    { group: 0, rank: 0, text: `${percentDone(done, p.total)}%` },
    { group: 0, rank: 2, text: `${formatCount(p.sent)}/${formatCount(p.total)} sent` },
    { group: 0, rank: 6, text: `${formatCount(p.delivered)} delivered` },
    { group: 0, rank: 7, text: `${formatCount(p.read)} read` },
    { group: 0, rank: 4, text: `${formatCount(p.failed)} failed` },
    { group: 0, rank: 8, text: `${formatCount(p.responded)} responded` },
    { group: 3, rank: 1, text: p.status },
  ];
  if (p.status === 'sending' && ratePerSecond !== null) {
    const eta = etaSeconds(p.pending, ratePerSecond);
    parts.push({ group: 1, rank: 5, text: formatRate(ratePerSecond) }, { group: 2, rank: 3, text: `ETA ${eta === null ? '-:--' : formatDuration(eta)}` });
  }
  const limit = Math.max(1, columns - 1);
  for (let maxRank = 8; maxRank >= 0; maxRank--) {
    const text = joinParts(parts.filter((part) => part.rank <= maxRank));
    const cells = Math.min(BAR_MAX_CELLS, limit - text.length - 3);
    if (cells >= BAR_MIN_CELLS) return `${renderBar(done, p.total, cells)} ${text}`;
  }
  return `${percentDone(done, p.total)}% ${p.status}`.slice(0, limit);
}

function joinParts(parts: readonly Part[]): string {
  const groups = new Map<number, string[]>();
  for (const part of [...parts].sort((a, b) => a.group - b.group)) groups.set(part.group, [...(groups.get(part.group) ?? []), part.text]);
  return [...groups.values()].map((texts) => texts.join(' ')).join(' · ');
}

/**
 * The log-friendly line printed per change where stdout is no terminal:
 * `2026-12-07T03:00:01Z sending sent=6200/10000 delivered=6100 read=5900 failed=40 responded=12 pending=3760`.
 */
export function plainProgressLine(p: BroadcastProgress, atMs: number): string {
  return `${formatSecond(atMs) ?? ''} ${p.status} sent=${p.sent}/${p.total} delivered=${p.delivered} read=${p.read} failed=${p.failed} responded=${p.responded} pending=${p.pending}`;
}
