import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_STATUSES } from '../broadcasts/lifecycle.ts';
import { presentBroadcast } from '../broadcasts/present.ts';
import { findBroadcastById } from '../broadcasts/store.ts';
import type { BroadcastRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { TenancyError } from '../tenants/tenancy.ts';
import { type BroadcastProgress, doneOf, doneRatePerSecond, plainProgressLine, progressChanged, progressLine, progressOf, type ProgressSample } from './broadcast-progress.ts';

/** Where the watch prints: stdout in the CLI, a buffer in tests. */
export interface WatchOutput {
  write(text: string): void;
  /** A terminal gets the bar redrawn in place; anything else gets one plain line per change. */
  isTTY: boolean;
  /** The terminal's width now (it may be resized while watching). */
  columns(): number;
}

export interface WatchOptions {
  intervalMs: number;
  /** NDJSON: `show --json`'s object once per change, the last one the terminal state. */
  json: boolean;
  out: WatchOutput;
  /** Aborted on Ctrl-C: the watch stops between reads. */
  signal: AbortSignal;
}

export interface WatchResult {
  /** `terminal` once the broadcast completed, stopped or failed; `interrupted` on the signal. */
  end: 'terminal' | 'interrupted';
  /** The last read of the broadcast. */
  row: BroadcastRow;
}

/** The rate is measured over the reads of the last ten seconds: steady, yet quick to show a stall. */
const RATE_WINDOW_MS = 10_000;

/**
 * Re-reads a broadcast's row every `intervalMs` and shows its counters until it reaches a
 * terminal status. Reads only the row's counters, which every recipient change keeps
 * (applyRecipientChange), so watching a large broadcast costs one primary-key read per tick.
 */
export async function watchBroadcast(deps: Pick<Deps, 'database' | 'clock'>, id: string, o: WatchOptions): Promise<WatchResult> {
  const samples: ProgressSample[] = [];
  let shown: BroadcastProgress | undefined;
  for (;;) {
    const row = await findBroadcastById(deps.database.db, id);
    if (!row) throw new TenancyError(`no broadcast ${id}`);
    const atMs = deps.clock.now();
    const progress = progressOf(row);
    samples.push({ atMs, done: doneOf(progress) });
    while (samples.length > 2 && atMs - (samples[0]?.atMs ?? atMs) > RATE_WINDOW_MS) samples.shift();
    const terminal = TERMINAL_STATUSES.includes(row.status);
    if (o.json) {
      if (progressChanged(shown, progress)) o.out.write(`${JSON.stringify({ broadcast: presentBroadcast(row) })}\n`);
    } else if (o.out.isTTY) {
      // Carriage return and erase-line redraw the one line in place.
      o.out.write(`\r\x1b[2K${progressLine(progress, doneRatePerSecond(samples), o.out.columns())}${terminal ? '\n' : ''}`);
    } else if (progressChanged(shown, progress)) {
      o.out.write(`${plainProgressLine(progress, atMs)}\n`);
    }
    shown = progress;
    if (terminal) return { end: 'terminal', row };
    if (!(await waitUnlessAborted(o.intervalMs, o.signal))) {
      if (o.out.isTTY && !o.json) o.out.write('\n');
      return { end: 'interrupted', row };
    }
  }
}

/** Waits `ms`; false when the signal came first (or had come already). */
async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
