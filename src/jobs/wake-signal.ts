/**
 * Tells the job runners of this process that there is new work (outbox events just committed,
 * media just queued), so they do not wait for their next poll: a webhook goes out milliseconds
 * after its commit, not a poll interval later. Runners in other processes cannot hear it and poll. One per kind of work, in
 * Deps; the code that commits rings it, the runner of that kind subscribes.
 */
export class WakeSignal {
  private readonly listeners = new Set<() => void>();

  /** Called after a commit that may have made work. */
  ring(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `fn` on every ring until the returned function is called. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }
}
