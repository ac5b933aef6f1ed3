import type { DialectReport } from './dialect-bench.ts';
import type { RunResult } from './load.ts';
import type { BenchDialect, RunName } from './options.ts';

/** One target of the performance section, judged on one dialect's report. */
export interface Target {
  dialect: BenchDialect;
  what: string;
  /** The measured value, or null when the run it needs was not done. */
  measure: (r: DialectReport) => number | null;
  /** The run whose timeouts and errors void the target (a timed-out request has no latency in the histogram). */
  run: RunName;
  /** A ratio to the bare server's same run: that run's timeouts and errors void it too. */
  againstBare?: boolean;
  unit: string;
  /** 'min': measured ≥ bound; 'max': measured ≤ bound. */
  kind: 'min' | 'max';
  bound: number;
}

const ratio = (r: DialectReport): number | null =>
  r.runs.get && r.runs.fixed ? r.runs.get.requestsPerSecond / r.runs.fixed.requestsPerSecond : null;
const p99 = (name: RunName) => (r: DialectReport) => r.runs[name]?.latencyP99Ms ?? null;

/** What a run delivered: messages per second for ingest, requests per second otherwise. */
export function throughput(run: RunResult): number {
  return run.messagesPerSecond ?? run.requestsPerSecond;
}

/** Product ÷ bare server for one run (issue 23 §1), or null when either side was not run. */
export function ratioToBare(name: RunName) {
  return (r: DialectReport): number | null => {
    const product = r.runs[name];
    const bare = r.bare?.runs[name];
    return product && bare ? throughput(product) / throughput(bare) : null;
  };
}

/**
 * Issue 23 §2: ratios to the bare server measured in the same run, on SQLite (PostgreSQL must not
 * regress: its ratios are reported beside them). The absolute ingest targets and the ack p99 at
 * 50 per payload (a throughput figure at 2,500 messages in flight) are retired
 * (../shared/perf-ceilings.md); the earlier ratio to fixed JSON and p99 targets stay.
 */
export const TARGETS: Target[] = [
  { dialect: 'sqlite', what: 'GET by id ÷ fixed JSON (req/s)', measure: ratio, run: 'get', unit: '×', kind: 'min', bound: 0.4 },
  { dialect: 'sqlite', what: 'GET by id ÷ bare (req/s)', measure: ratioToBare('get'), run: 'get', againstBare: true, unit: '×', kind: 'min', bound: 0.8 },
  { dialect: 'sqlite', what: 'GET by id p99', measure: p99('get'), run: 'get', unit: 'ms', kind: 'max', bound: 10 },
  { dialect: 'sqlite', what: 'ingest 1/payload ÷ bare (msg/s)', measure: ratioToBare('ingest1'), run: 'ingest1', againstBare: true, unit: '×', kind: 'min', bound: 0.6 },
  { dialect: 'sqlite', what: 'ingest 1/payload ack p99', measure: p99('ingest1'), run: 'ingest1', unit: 'ms', kind: 'max', bound: 50 },
  { dialect: 'sqlite', what: 'ingest 50/payload ÷ bare (msg/s)', measure: ratioToBare('ingest50'), run: 'ingest50', againstBare: true, unit: '×', kind: 'min', bound: 0.85 },
  { dialect: 'postgres', what: 'GET by id ÷ fixed JSON (req/s)', measure: ratio, run: 'get', unit: '×', kind: 'min', bound: 0.2 },
  { dialect: 'postgres', what: 'GET by id p99', measure: p99('get'), run: 'get', unit: 'ms', kind: 'max', bound: 10 },
  { dialect: 'postgres', what: 'ingest 1/payload ack p99', measure: p99('ingest1'), run: 'ingest1', unit: 'ms', kind: 'max', bound: 50 },
];

/**
 * Whether a measured value meets its target. A run with timeouts or socket errors, or without a
 * single 2xx, meets no target: those requests are missing from its latency histogram.
 */
export function meets(target: Target, value: number, ...runs: Array<RunResult | undefined>): boolean {
  if (runs.some((run) => run && (run.errors > 0 || run.non2xx === run.requests))) return false;
  return target.kind === 'min' ? value >= target.bound : value <= target.bound;
}
