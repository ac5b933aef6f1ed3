import { sql } from 'kysely';
import type { Database } from './connect.ts';

/** Whether the database answered a trivial query just now (cached for `cacheMs`). */
export type DatabaseProbe = () => Promise<boolean>;

export interface ProbeOptions {
  /** A check not answered within this long counts as failed (a dead PostgreSQL may never answer). */
  timeoutMs?: number;
  /** A result is reused this long, so a load balancer polling /readyz costs one check a second at most. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * A cheap reachability check of the database: `select 1` bounded by a short timeout, its result
 * cached about a second, and concurrent callers sharing the query in flight. Used by `/readyz` and
 * by anything that must tell "the database is down" from other failures.
 */
export function createDatabaseProbe(database: Pick<Database, 'db'>, opts: ProbeOptions = {}): DatabaseProbe {
  const query = () =>
    sql`select 1`.execute(database.db).then(
      () => true,
      () => false,
    );
  return cachedProbe(query, false, opts);
}

/**
 * Wraps a check that never rejects: bounded by `timeoutMs` (then `timedOut` is the answer), its
 * result reused for `cacheMs`, and callers arriving while it runs sharing the one in flight. The
 * cache is about wall time (how often a dependency is asked), not the domain clock.
 */
export function cachedProbe<T>(check: () => Promise<T>, timedOut: T, opts: ProbeOptions = {}): () => Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const cacheMs = opts.cacheMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let cached: { value: T; at: number } | null = null;
  let inFlight: Promise<T> | null = null;
  const bounded = async (): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(timedOut), timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([check(), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    if (cached && now() - cached.at < cacheMs) return cached.value;
    inFlight ??= bounded().then((value) => {
      cached = { value, at: now() };
      inFlight = null;
      return value;
    });
    return inFlight;
  };
}
