/**
 * A process-wide count of changes to registered numbers (update, removal). The tenancy caches
 * (lookup.ts, ingest/app-secrets.ts) empty themselves when it moves, so a token, app secret or
 * removal made through this process's API takes effect at once. Another process (the CLI, a
 * second gateway) is not told: its caches expire within TENANCY_CACHE_TTL_MS (5 s).
 */
let generation = 0;

export function noteNumbersChanged(): void {
  generation++;
}

export function numbersGeneration(): number {
  return generation;
}
