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

/**
 * `samples` sequential GETs of `url` after 10 unmeasured ones, on one keep-alive connection, each
 * body read to its end. A route that does not answer 200 is reported with its status and no figure.
 */
export async function measureLatency(url: string, headers: Record<string, string>, samples: number): Promise<Latency> {
  const first = await fetch(url, { headers });
  const text = await first.text();
  if (first.status !== 200) return { status: first.status, samples: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, bytes: 0, items: null };
  const items = itemsOf(text);
  const times: number[] = [];
  for (let i = 0; i < samples + WARM_UP; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status} during the run`);
    if (i >= WARM_UP) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { status: 200, samples, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), bytes: Buffer.byteLength(text), items };
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
