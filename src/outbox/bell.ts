/**
 * Tells a worker of this process that there is new work (outbox events just committed, media
 * just queued), so it does not wait for its next poll: the commit-to-delivery latency target of
 * issue 6. Workers in other processes simply poll. One per worker kind, in Deps.
 */
export class WorkerBell {
  private listener: (() => void) | null = null;

  /** Called after a commit that may have made work for the worker. */
  ring(): void {
    this.listener?.();
  }

  /** The worker's wake-up; one per process. */
  listen(fn: (() => void) | null): void {
    this.listener = fn;
  }
}
