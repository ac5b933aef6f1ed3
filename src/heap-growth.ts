import v8 from 'node:v8';

/**
 * How far V8 lets the JavaScript heap grow past what a full collection left alive, for the
 * long-running processes (`serve`, `worker`). V8's own default grows it by up to 4 × when
 * allocation is fast, and never gives it back while the process is busy: during a 100,000-recipient
 * broadcast the heap of `serve` grew from about 100 to 250 MB though what stayed alive grew by
 * under 20 MB. At 30 % it stayed near 120 MB, at the same send rate (BENCHMARKS.md, broadcasts).
 */
export const HEAP_GROWING_PERCENT = 30;

/**
 * The V8 flag to set, or null when the operator chose the heap's size or growth themselves
 * (NODE_OPTIONS or node's own arguments): theirs wins.
 */
export function heapGrowthFlag(nodeOptions: string, execArgv: readonly string[]): string | null {
  const chosen = `${nodeOptions} ${execArgv.join(' ')}`;
  if (/--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size)\b/.test(chosen)) return null;
  return `--heap-growing-percent=${HEAP_GROWING_PERCENT}`;
}

/** Sets the heap's growth for this process (V8 reads it at each collection). Call it at start. */
export function limitHeapGrowth(): void {
  const flag = heapGrowthFlag(process.env.NODE_OPTIONS ?? '', process.execArgv);
  if (flag) v8.setFlagsFromString(flag);
}
