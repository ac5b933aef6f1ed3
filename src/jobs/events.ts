import { EventEmitter } from 'node:events';

/** What a runner tells its listeners (tests wait on these rather than on time). */
export interface RunnerEvents<J, O> {
  /** A claim leased these jobs; their handlers start now. */
  claimed: { jobs: readonly J[] };
  /** A handler returned and its outcome is recorded. */
  completed: { job: J; outcome: O };
  /**
   * A handler threw (`phase: 'run'`: its crash outcome is recorded, so it is retried after the
   * backoff) or recording failed (`'record'`: the lease expires and the job is claimed again).
   */
  failed: { job: J; error: unknown; phase: 'run' | 'record' };
  /** A cycle found nothing to do; the runner waits for a wake or its poll interval. */
  idle: { inFlight: number };
  /** A wake ended an idle wait before its poll interval. */
  woken: Record<string, never>;
  /** Leases of running jobs were extended. */
  renewed: { keys: readonly string[] };
  /** A cycle failed (the store unavailable, or a bug); the runner waits `waitMs` before the next. */
  cycleFailed: { error: unknown; waitMs: number };
  /** stop() finished: `left` jobs were still in flight when it gave up waiting (0: all drained). */
  drained: { left: number };
}

/** An EventEmitter typed by RunnerEvents. */
export class RunnerEmitter<J, O> extends EventEmitter {
  override emit<K extends keyof RunnerEvents<J, O>>(event: K, payload: RunnerEvents<J, O>[K]): boolean {
    return super.emit(event, payload);
  }

  override on<K extends keyof RunnerEvents<J, O>>(event: K, listener: (payload: RunnerEvents<J, O>[K]) => void): this {
    return super.on(event, listener);
  }

  override off<K extends keyof RunnerEvents<J, O>>(event: K, listener: (payload: RunnerEvents<J, O>[K]) => void): this {
    return super.off(event, listener);
  }

  /** Resolves with the next `event` whose payload passes `match`. */
  next<K extends keyof RunnerEvents<J, O>>(event: K, match: (payload: RunnerEvents<J, O>[K]) => boolean = () => true): Promise<RunnerEvents<J, O>[K]> {
    return new Promise((resolve) => {
      const listener = (payload: RunnerEvents<J, O>[K]) => {
        if (!match(payload)) return;
        this.off(event, listener);
        resolve(payload);
      };
      this.on(event, listener);
    });
  }
}
