/** Latency of one GET, asked again and again from this process, one request at a time. */
export interface Latency {
  /** The first answer's status: a figure is only measured when it is 200. */
  status: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  /** Bytes of the first answer's body, and how many items its `data` held. */
  bytes: number;
  items: number | null;
}

const WARM_UP = 10;
/** A slow route stops being sampled after this long (with at least MIN_SAMPLES), so one cannot hold the bench for hours. */
const BUDGET_MS = 30_000;
const MIN_SAMPLES = 3;

/**
 * `samples` sequential GETs of `url` after 10 unmeasured ones, on one keep-alive connection, each
 * body read to its end. A slow route gets fewer: the warm-up stops after 10 s, the samples after
 * 30 s in all (at least 3), and `samples` in the answer says how many were taken. A route that
 * does not answer 200 is reported with its status and no figure.
 */
export async function measureLatency(url: string, headers: Record<string, string>, samples: number): Promise<Latency> {
  const begun = performance.now();
  const first = await fetch(url, { headers });
  const text = await first.text();
  if (first.status !== 200) return { status: first.status, samples: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, bytes: 0, items: null };
  const items = itemsOf(text);
  for (let i = 1; i < WARM_UP && performance.now() - begun < BUDGET_MS / 3; i++) await timedGet(url, headers);
  const times: number[] = [];
  while (times.length < samples && (times.length < MIN_SAMPLES || performance.now() - begun < BUDGET_MS)) times.push(await timedGet(url, headers));
  times.sort((a, b) => a - b);
  return { status: 200, samples: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), bytes: Buffer.byteLength(text), items };
}

async function timedGet(url: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status} during the run`);
  return performance.now() - started;
}

/** The p-th percentile of ascending values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function itemsOf(text: string): number | null {
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    return Array.isArray(data) ? data.length : null;
  } catch {
    return null;
  }
}
