import type { Metric, Registry } from 'prom-client';

/** One labelled series of a FastHistogram: the handle the hot path keeps and observes into. */
export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last one is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/**
 * A histogram for the per-request and per-statement paths. prom-client's own hashes and checks
 * its labels on every observation, even through a child from `labels()`: about a microsecond,
 * paid for every statement. Here a caller takes a series' handle once and keeps it; an
 * observation is a bucket search and three additions. prom-client still renders it: the
 * registry asks `get()` at scrape, in prom-client's own shape.
 */
export class FastHistogram {
  private readonly all: HistogramSeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this.asMetric(name, help, 'histogram', () => this.histogramValues()));
  }

  /** A new series with these labels: call once per label set and keep the handle. */
  series(labels: Record<string, string>): HistogramSeries {
    const series = new HistogramSeries(labels, this.bounds);
    this.all.push(series);
    return series;
  }

  /** Registers a counter of this histogram's observations per series, under its own name. */
  countAs(name: string, help: string, registry: Registry): void {
    registry.registerMetric(this.asMetric(name, help, 'counter', () => this.all.map((s) => ({ labels: { ...s.labels }, value: s.count }))));
  }

  private histogramValues(): MetricValue[] {
    return this.all.flatMap((s) => {
      let cumulative = 0;
      const buckets = s.counts.map((n, i) => {
        cumulative += n;
        return { labels: { ...s.labels, le: i < this.bounds.length ? (this.bounds[i] as number) : '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` };
      });
      return [...buckets, { labels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum` }, { labels: { ...s.labels }, value: s.count, metricName: `${this.name}_count` }];
    });
  }

  /** What prom-client's registry asks of a metric: its name, help and type, values at scrape, reset. */
  private asMetric(name: string, help: string, type: 'histogram' | 'counter', values: () => MetricValue[]): Metric {
    const reset = () => this.all.forEach((s) => {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    });
    return { name, help, type, aggregator: 'sum', get: async () => ({ name, help, type, aggregator: 'sum', values: values() }), reset } as unknown as Metric;
  }
}
