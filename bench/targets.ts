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
  unit: string;
  /** 'min': measured ≥ bound; 'max': measured ≤ bound. */
  kind: 'min' | 'max';
  bound: number;
}

const ratio = (r: DialectReport): number | null =>
  r.runs.get && r.runs.fixed ? r.runs.get.requestsPerSecond / r.runs.fixed.requestsPerSecond : null;
const p99 = (name: RunName) => (r: DialectReport) => r.runs[name]?.latencyP99Ms ?? null;
const messagesPerSecond = (name: RunName) => (r: DialectReport) => r.runs[name]?.messagesPerSecond ?? null;

export const TARGETS: Target[] = [
  { dialect: 'sqlite', what: 'GET by id ÷ fixed JSON (req/s)', measure: ratio, run: 'get', unit: '×', kind: 'min', bound: 0.4 },
  { dialect: 'sqlite', what: 'GET by id p99', measure: p99('get'), run: 'get', unit: 'ms', kind: 'max', bound: 10 },
  { dialect: 'sqlite', what: 'ingest 1/payload', measure: messagesPerSecond('ingest1'), run: 'ingest1', unit: 'msg/s', kind: 'min', bound: 8000 },
  { dialect: 'sqlite', what: 'ingest 1/payload ack p99', measure: p99('ingest1'), run: 'ingest1', unit: 'ms', kind: 'max', bound: 50 },
  { dialect: 'sqlite', what: 'ingest 50/payload', measure: messagesPerSecond('ingest50'), run: 'ingest50', unit: 'msg/s', kind: 'min', bound: 20000 },
  { dialect: 'sqlite', what: 'ingest 50/payload ack p99', measure: p99('ingest50'), run: 'ingest50', unit: 'ms', kind: 'max', bound: 50 },
  { dialect: 'postgres', what: 'GET by id ÷ fixed JSON (req/s)', measure: ratio, run: 'get', unit: '×', kind: 'min', bound: 0.2 },
  { dialect: 'postgres', what: 'GET by id p99', measure: p99('get'), run: 'get', unit: 'ms', kind: 'max', bound: 10 },
  { dialect: 'postgres', what: 'ingest 1/payload', measure: messagesPerSecond('ingest1'), run: 'ingest1', unit: 'msg/s', kind: 'min', bound: 3000 },
  { dialect: 'postgres', what: 'ingest 1/payload ack p99', measure: p99('ingest1'), run: 'ingest1', unit: 'ms', kind: 'max', bound: 50 },
  { dialect: 'postgres', what: 'ingest 50/payload ack p99', measure: p99('ingest50'), run: 'ingest50', unit: 'ms', kind: 'max', bound: 50 },
];

/**
 * Whether a measured value meets its target. A run with timeouts or socket errors, or without a
 * single 2xx, meets no target: those requests are missing from its latency histogram.
 */
export function meets(target: Target, value: number, run: RunResult | undefined): boolean {
  if (run && (run.errors > 0 || run.non2xx === run.requests)) return false;
  return target.kind === 'min' ? value >= target.bound : value <= target.bound;
}
