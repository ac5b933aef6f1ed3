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

  /** Seconds until another attempt is allowed for this email and address; 0 when allowed now. */
  retryAfterSeconds(email: string, address: string): number {
    const now = this.clock.now();
    const waits = [this.waitMs(`e:${email}`, SIGN_IN_LIMITS.perEmail, now), this.waitMs(`a:${address}`, SIGN_IN_LIMITS.perAddress, now)];
    return Math.ceil(Math.max(...waits) / 1000);
  }

  /** Records a failed attempt against both the email and the address. */
  recordFailure(email: string, address: string): void {
    const now = this.clock.now();
    for (const key of [`e:${email}`, `a:${address}`]) this.failures.set(key, [...this.recent(key, now), now]);
  }

  /** A successful sign-in clears the email's failures (not the address's: one address, many guesses). */
  recordSuccess(email: string): void {
    this.failures.delete(`e:${email}`);
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
