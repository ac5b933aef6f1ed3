/**
 * The idle runner's wait: resolves after `ms`, or at once when woken. A wake that comes while
 * the runner is busy is kept for its next wait, which then returns at once: work committed between
 * a claim finding nothing and the wait beginning is not left for the next poll.
 */
export class IdleWait {
  private wakeUp: (() => void) | null = null;
  private pending = false;

  /** Waits up to `ms`; resolves true when a wake cut it short (or came before it). */
  wait(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), ms);
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve(woken);
      };
      this.wakeUp = () => finish(true);
    });
  }

  /** Ends the current wait, or the next one if none is under way. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.pending = true;
  }
}
