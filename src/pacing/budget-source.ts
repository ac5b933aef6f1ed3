import { type Answer, answeredInWindow, freshWindow, lowerWindowAfterThrottle, type SendWindow, takeFromWindow } from './send-window.ts';

/** Where the numbers' send windows are kept: this process's memory, or a row every process shares. */
export interface BudgetSource {
  /** Takes up to `want` sends of the number's window; with none granted, how long until one is. */
  take(phoneNumberId: string, perSecond: number, now: number, want: number): Promise<{ granted: number; waitMs: number }>;
  /** Meta answered 130429 for the number: lower its rate (rate-factor.ts). */
  throttled(phoneNumberId: string, now: number): Promise<void>;
  /** A granted send settled (Meta answered, it failed, or it was not made): it counts at its answer. */
  answered(phoneNumberId: string, answer: Answer): void;
  /** Writes what is held in memory for the store (before the process stops). */
  flush?(): Promise<void>;
}

/**
 * The windows of a process that is the only one sending (the embedded SQLite default), in its
 * memory (send-window.ts).
 */
export function memoryBudgetSource(): BudgetSource {
  const windows = new Map<string, SendWindow>();
  const windowOf = (id: string, now: number) => windows.get(id) ?? freshWindow(now);
  return {
    async take(id, perSecond, now, want) {
      const t = takeFromWindow(windowOf(id, now), perSecond, now, want);
      windows.set(id, t.window);
      return { granted: t.granted, waitMs: t.waitMs };
    },
    async throttled(id, now) {
      windows.set(id, lowerWindowAfterThrottle(windowOf(id, now), now));
    },
    answered(id, answer) {
      const w = windows.get(id);
      if (w) windows.set(id, answeredInWindow(w, [answer]));
    },
  };
}
