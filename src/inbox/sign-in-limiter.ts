import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.ts';

/** Failed sign-ins allowed per email and per client address within the window (docs/inbox-api.md). */
export const SIGN_IN_LIMITS = { perEmail: 5, perAddress: 30, windowMs: 15 * 60 * 1000 } as const;

/**
 * Counts failed sign-ins in this process's memory, per email and per client address, over a moving
 * window. Per process: with N serving processes an attacker gets N times the attempts, still few
 * against scrypt's cost per guess. Bounded (least recently used keys are forgotten), so a flood of
 * made-up emails cannot grow memory.
 */
export class SignInLimiter {
  private readonly failures = new LRUCache<string, number[]>({ max: 50_000 });

  constructor(private readonly clock: Clock) {}

  /**
   * Counts an attempt against the email and the address before its password is checked, so
   * guesses sent all at once are counted as they arrive, not once each scrypt ends (by then every
   * one would have passed the check). Returns the seconds to wait, with nothing counted, or 0 and
   * the attempt counted as a failure until recordSuccess says otherwise.
   */
  startAttempt(email: string, address: string): { retryAfterSeconds: number; startedAt: number } {
    const now = this.clock.now();
    const waits = [this.waitMs(`e:${email}`, SIGN_IN_LIMITS.perEmail, now), this.waitMs(`a:${address}`, SIGN_IN_LIMITS.perAddress, now)];
    const retryAfterSeconds = Math.ceil(Math.max(...waits) / 1000);
    if (retryAfterSeconds > 0) return { retryAfterSeconds, startedAt: now };
    for (const key of [`e:${email}`, `a:${address}`]) this.failures.set(key, [...this.recent(key, now), now]);
    return { retryAfterSeconds: 0, startedAt: now };
  }

  /**
   * The attempt started at `startedAt` succeeded: the email's failures are cleared, and the
   * attempt no longer counts against the address (whose other failures stay: one address, many
   * guesses).
   */
  recordSuccess(email: string, address: string, startedAt: number): void {
    this.failures.delete(`e:${email}`);
    const key = `a:${address}`;
    const attempts = this.failures.get(key) ?? [];
    const at = attempts.indexOf(startedAt);
    if (at !== -1) this.failures.set(key, [...attempts.slice(0, at), ...attempts.slice(at + 1)]);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((at) => at > now - SIGN_IN_LIMITS.windowMs);
  }

  private waitMs(key: string, limit: number, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < limit) return 0;
    // Allowed again when enough of the oldest failures have left the window.
    const freeing = recent[recent.length - limit] ?? now;
    return Math.max(1000, freeing + SIGN_IN_LIMITS.windowMs - now);
  }
}
