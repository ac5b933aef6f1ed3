/**
 * Delay before retry number `attempt` (1 = the first retry): exponential from `baseDelayMs`,
 * capped at `maxDelayMs`. Meta retries "with decreasing frequency" (§1.3); no jitter, so a seeded
 * run repeats exactly.
 */
export function retryDelayMs(attempt: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
