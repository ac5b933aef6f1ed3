import { sql } from 'kysely';
import type { Database } from './connect.ts';

/** Whether the database answered a trivial query just now (cached for `cacheMs`). */
export type DatabaseProbe = () => Promise<boolean>;

export interface ProbeOptions {
  /** A check not answered within this long counts as unreachable (a dead PostgreSQL may never answer). */
  timeoutMs?: number;
  /** A result is reused this long, so a load balancer polling /readyz costs one query a second at most. */
  cacheMs?: number;
  now?: () => number;
}

/**
 * A cheap reachability check of the database: `select 1` bounded by a short timeout, its result
 * cached about a second, and concurrent callers sharing the query in flight. Used by `/readyz` and
 * by anything that must tell "the database is down" from other failures.
 */
export function createDatabaseProbe(database: Pick<Database, 'db'>, opts: ProbeOptions = {}): DatabaseProbe {
  const timeoutMs = opts.timeoutMs ?? 1_000;
  const cacheMs = opts.cacheMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let cached: { reachable: boolean; at: number } | null = null;
  let inFlight: Promise<boolean> | null = null;
  const check = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const answered = sql`select 1`.execute(database.db).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  };
  return async () => {
    if (cached && now() - cached.at < cacheMs) return cached.reachable;
    inFlight ??= check().then((reachable) => {
      cached = { reachable, at: now() };
      inFlight = null;
      return reachable;
    });
    return inFlight;
  };
}
