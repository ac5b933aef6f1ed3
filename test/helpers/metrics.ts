import type { TestGateway } from './harness.ts';
import { type Family, parseExposition } from './prometheus-text.ts';

export const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** A scrape, parsed (and so checked) by the strict text-format parser of prometheus-text.ts. */
export class Scrape {
  constructor(readonly families: Family[]) {}

  static parse(text: string): Scrape {
    return new Scrape(parseExposition(text));
  }

  family(name: string): Family | undefined {
    return this.families.find((f) => f.name === name);
  }

  /**
   * The sum of the samples named `sample` (default: the family's own name; `<histogram>_count`
   * for a histogram's count) whose labels include `labels`; 0 when there are none (a counter not
   * yet incremented has no sample).
   */
  total(sample: string, labels: Record<string, string> = {}): number {
    return this.families
      .flatMap((f) => f.samples)
      .filter((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }
}

/** GET /metrics on the gateway's API port with the test token, parsed. */
export async function scrape(gw: TestGateway): Promise<Scrape> {
  const res = await gw.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (res.statusCode !== 200) throw new Error(`/metrics answered ${res.statusCode}: ${res.body}`);
  return Scrape.parse(res.body);
}
