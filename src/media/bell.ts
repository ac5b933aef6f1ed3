/**
 * Tells this process's media worker that downloads were just queued, so it does not wait for
 * its next poll. Rung only after commits that queued media, so text traffic never wakes it.
 * Workers in other processes simply poll.
 */
export class MediaBell {
  private listener: (() => void) | null = null;

  /** Called after a commit that may have queued media. */
  ring(): void {
    this.listener?.();
  }

  /** The worker's wake-up; one per process. */
  listen(fn: (() => void) | null): void {
    this.listener = fn;
  }
}
