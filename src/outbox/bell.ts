/**
 * Tells this process's delivery worker that events were just committed, so it does not wait for
 * its next poll (the commit-to-delivery latency target of issue 6). Workers in other processes
 * simply poll.
 */
export class OutboxBell {
  private listener: (() => void) | null = null;

  /** Called after a commit that may have written events. */
  ring(): void {
    this.listener?.();
  }

  /** The worker's wake-up; one per process. */
  listen(fn: (() => void) | null): void {
    this.listener = fn;
  }
}
