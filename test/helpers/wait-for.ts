/**
 * Waits until `check` holds, asking again every `intervalMs`, and fails naming `what` after
 * `timeoutMs`. For tests that wait for something to happen: a fixed sleep waits too long on a
 * quiet machine and too little on a loaded one, where the assertion after it then tests nothing.
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 20));
  }
}
