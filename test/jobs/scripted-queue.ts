import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, MediaRow } from '../../src/db/schema.ts';
import { createLogger } from '../../src/create-deps.ts';
import type { Deps } from '../../src/deps.ts';
import { nextAttemptAt } from '../../src/jobs/backoff.ts';
import type { RunnerEvents } from '../../src/jobs/events.ts';
import type { JobQueue, LeaseRequest, RunnerOptions } from '../../src/jobs/job-queue.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { newWorkerId } from '../../src/jobs/worker-id.ts';
import { claimDueMedia, extendMediaLeases } from '../../src/media/claim-store.ts';
import { insertMediaJob, markMediaFailed, markMediaStored, scheduleMediaRetry } from '../../src/media/store.ts';
import type { TestClock } from '../helpers/harness.ts';

/** The scripted queue's backoff: 5 s, then 30 s, within a day of the job's creation. */
export const SCHEDULE_MS = [5_000, 30_000];
const DEADLINE_MS = 86_400_000;

export type Outcome = { ok: true } | { ok: false; reason: string };
export type Handler = (row: MediaRow, signal: AbortSignal) => Promise<Outcome>;

/**
 * A queue for the runner's own tests: rows of the `media` table are its jobs, claimed, leased,
 * renewed and recorded with the media store's real statements (so both dialects' claims are
 * exercised), and the handler is whatever the test scripts. A done job is marked stored with the
 * runner's id as its storage key, so a test can tell which runner recorded it.
 */
export class ScriptedQueue implements JobQueue<MediaRow, Outcome> {
  readonly name = 'scripted runner';
  handler: Handler = async () => ({ ok: true });
  /** Each job's deadline from its start, by id (none: no deadline). */
  readonly deadlines = new Map<string, number>();
  /** Left out when the test plays a queue whose lease outlasts any attempt. */
  readonly renew?: (keys: readonly string[], until: number) => Promise<void>;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: TestClock,
    readonly workerId: string,
    private readonly o: { renews: boolean },
  ) {
    if (o.renews) this.renew = (keys, until) => extendMediaLeases(db, keys, workerId, until);
  }

  claim(lease: LeaseRequest): Promise<MediaRow[]> {
    return claimDueMedia(this.db, { ...lease, perProject: 1_000 });
  }

  keyOf(row: MediaRow): string {
    return row.id;
  }

  deadlineMs(row: MediaRow): number | undefined {
    return this.deadlines.get(row.id);
  }

  run(row: MediaRow, signal: AbortSignal): Promise<Outcome> {
    return this.handler(row, signal);
  }

  crashed(_row: MediaRow, err: unknown): Outcome {
    return { ok: false, reason: `crashed: ${(err as Error).message}` };
  }

  async record(row: MediaRow, outcome: Outcome): Promise<void> {
    const now = this.clock.now();
    const lease = { lockedBy: this.workerId };
    if (outcome.ok) return markMediaStored(this.db, row.id, { storageKey: this.workerId, sha256: 'x', byteSize: 1, contentType: 'text/plain' }, now, lease);
    const retryAt = nextAttemptAt(row.attempts, now, row.created_at + DEADLINE_MS, SCHEDULE_MS, 0.5);
    if (retryAt === null) return markMediaFailed(this.db, row.id, outcome.reason, now, lease);
    return scheduleMediaRetry(this.db, row.id, outcome.reason, retryAt, now, lease);
  }
}

/** A runner over a ScriptedQueue on `deps`'s database and the test clock. */
export function scriptedRunner(deps: Pick<Deps, 'database'>, clock: TestClock, opts: Partial<RunnerOptions> & { renews?: boolean } = {}) {
  const workerId = newWorkerId();
  const queue = new ScriptedQueue(deps.database.db, clock, workerId, { renews: opts.renews ?? true });
  const runner = new JobRunner(queue, { workerId, log: createLogger('silent'), clock }, { concurrency: 2, pollMs: 60_000, leaseMs: 60_000, ...opts });
  return { queue, runner };
}

/** Queues `n` jobs (media rows of the tenant); returns their ids. */
export async function queueJobs(db: Kysely<DB>, tenant: { projectId: string; phoneNumberId: string }, n: number, now: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const job = { projectId: tenant.projectId, phoneNumberId: tenant.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: null, sourceUrl: 'https://x.test/f', kind: 'document', direction: 'outbound' as const, mimeType: null, filename: null };
    ids.push((await insertMediaJob(db, job, now)) as string);
  }
  return ids;
}

/** The names of a runner's events, in the order they were emitted, from now on. */
export function eventLog(runner: JobRunner<MediaRow, Outcome>): string[] {
  const names: string[] = [];
  for (const name of ['claimed', 'completed', 'failed', 'idle', 'woken', 'renewed', 'cycleFailed', 'drained'] as const) runner.events.on(name, () => names.push(name));
  return names;
}

/** The next `event` matching `match`, or a failure naming `what` if none comes within 10 s. */
export function nextEvent<K extends keyof RunnerEvents<MediaRow, Outcome>>(
  runner: JobRunner<MediaRow, Outcome>,
  event: K,
  what: string,
  match: (payload: RunnerEvents<MediaRow, Outcome>[K]) => boolean = () => true,
): Promise<RunnerEvents<MediaRow, Outcome>[K]> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting: ${what}`)), 10_000);
  });
  return Promise.race([runner.events.next(event, match), giveUp]).finally(() => clearTimeout(timer));
}

/** A promise the test settles by hand. */
export function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
