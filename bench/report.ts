import type { DialectReport } from './dialect-bench.ts';
import type { RunResult } from './load.ts';
import { RUN_NAMES } from './options.ts';
import { meets, TARGETS, throughput } from './targets.ts';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Markdown tables: the measured runs of each dialect, then every target with its verdict. */
export function formatReport(reports: DialectReport[], settings: { connections: number; durationSeconds: number; warmupSeconds: number }): string {
  const lines: string[] = [];
  lines.push(
    `Load: autocannon ${settings.connections} connections, pipelining 1, ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s measured per run; server LOG_LEVEL=info to /dev/null. CPU columns are % of one core (2 cores = 200%) over the measured run: the server process, this load-generating process, PostgreSQL's processes, the kernel's interrupt handling (loopback TCP for both ends), and every other process. The bench waits (up to 1 min) for an idle machine before each run and repeats a run (up to 3 tries, keeping the least disturbed) when other processes used more than 25% of a core during it. CPU probe: a fixed hashing loop timed in this process just before the warm-up (lower is faster); this machine's speed varies up to 2.5× within a day, and the probe shows which phase a run was taken in.`,
    '',
  );
  for (const r of reports) lines.push(...dialectSection(r), '');
  lines.push(...targetSection(reports));
  return lines.join('\n');
}

function dialectSection(r: DialectReport): string[] {
  const lines = [
    `### ${r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: ${int(r.messages)} stored messages over ${int(r.customers)} conversations`,
    '',
    `Generated in ${r.generation.insertSeconds.toFixed(1)} s (+ ${r.generation.settleSeconds.toFixed(1)} s ${r.dialect === 'sqlite' ? 'WAL checkpoint' : 'VACUUM ANALYZE'}). ` +
      `Response bodies: GET by id ${r.bodyBytes.get} B, fixed JSON ${r.bodyBytes.fixed} B. Server RSS after start ${int(r.rssAtStartMb)} MB; exit code after SIGTERM ${r.serverExitCode}.`,
    '',
    '| run | req/s | msg/s | p50 ms | p99 ms | non-2xx | errors | server CPU | autocannon CPU | PostgreSQL CPU | softirq CPU | other CPU | tries | CPU probe ms | RSS after (anon) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const measured = [...RUN_NAMES.map((n) => r.runs[n]), ...RUN_NAMES.map((n) => r.bare?.runs[n])].filter((run): run is RunResult => !!run);
  lines.push(...measured.map(runRow));
  if (r.failure) lines.push('', `**The load runs stopped early:** ${r.failure.split('\n')[0]}`);
  if (r.bare) lines.push('', ...bareLines(r));
  const checks = measured.filter((run) => !!run.check);
  if (checks.length > 0) lines.push('', ...checks.map((run) => `- ${run.label} check: ${run.check}`));
  return lines;
}

/** The bare server (issue 23 §1): how it ran, and each run's product ÷ bare beside product ÷ fixed JSON. */
function bareLines(r: DialectReport): string[] {
  const bare = r.bare as NonNullable<DialectReport['bare']>;
  const lines = [
    `Bare server (bench/bare/: node:http, prepared statements, one pino log line per request as the product) on the same database, ${bare.ranFirst ? "before the gateway's runs (`--bare first`)" : "after the gateway's runs"}, the gateway stopped: ${bare.sameJson}; ` +
      `RSS after start ${int(bare.rssAtStartMb)} MB; exit code after SIGTERM ${bare.exitCode}.`,
  ];
  if (bare.failure) lines.push('', `**The bare runs stopped early:** ${bare.failure.split('\n')[0]}`);
  const fixed = r.runs.fixed;
  const x = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)} ×` : '');
  lines.push('', '| run | product | bare | product ÷ bare | product ÷ fixed JSON | bare ÷ fixed JSON |', '|---|---:|---:|---:|---:|---:|');
  for (const name of RUN_NAMES) {
    const [product, ceiling] = [r.runs[name], bare.runs[name]];
    if (!product || !ceiling) continue;
    const unit = product.messagesPerSecond === null ? 'req/s' : 'msg/s';
    const [p, b] = [throughput(product), throughput(ceiling)];
    const fixedRate = fixed?.requestsPerSecond;
    lines.push(`| ${product.label} (${unit}) | ${int(p)} | ${int(b)} | ${x(p, b)} | ${x(p, fixedRate)} | ${x(b, fixedRate)} |`);
  }
  return lines;
}

function runRow(run: RunResult): string {
  return [
    run.label,
    int(run.requestsPerSecond),
    run.messagesPerSecond === null ? '' : int(run.messagesPerSecond),
    run.latencyP50Ms,
    run.latencyP99Ms,
    run.non2xx,
    run.errors,
    `${Math.round(run.serverCpuPercent)}%`,
    `${Math.round(run.loadCpuPercent)}%`,
    `${Math.round(run.postgresCpuPercent)}%`,
    `${Math.round(run.interruptCpuPercent)}%`,
    `${Math.round(run.foreignCpuPercent)}%`,
    run.attempts,
    Math.round(run.probeMs),
    `${int(run.rssMb)} MB (${int(run.rssAnonMb)})`,
  ].reduce<string>((row, cell) => `${row} ${cell} |`, '|');
}

function targetSection(reports: DialectReport[]): string[] {
  const lines = ['### Targets', '', '| dialect | target | measured | met |', '|---|---|---:|---|'];
  for (const target of TARGETS) {
    const report = reports.find((r) => r.dialect === target.dialect);
    if (!report) continue;
    const value = target.measure(report);
    const bound = `${target.kind === 'min' ? '≥' : '≤'} ${target.unit === '×' ? target.bound.toFixed(2) : int(target.bound)} ${target.unit}`;
    const measured = value === null ? 'not run' : target.unit === '×' ? value.toFixed(2) : int(value);
    const run = report.runs[target.run];
    const bareRun = target.againstBare ? report.bare?.runs[target.run] : undefined;
    const verdict = value === null ? '–' : meets(target, value, run, bareRun) ? 'yes' : '**no**';
    const errors = (run?.errors ?? 0) + (bareRun?.errors ?? 0);
    const voided = errors > 0 ? ` (${errors} timeouts/errors)` : '';
    lines.push(`| ${target.dialect} | ${target.what} ${bound} | ${measured}${voided} | ${verdict} |`);
  }
  for (const report of reports) {
    for (const run of [report.runs.ingest1, report.runs.ingest50, report.bare?.runs.ingest1, report.bare?.runs.ingest50]) {
      if (run) lines.push(`| ${report.dialect} | ${run.label}: acknowledged only once stored; no non-2xx, errors or timeouts | ${run.checkPassed ? 'ok' : 'failed'} | ${run.checkPassed ? 'yes' : '**no**'} |`);
    }
  }
  return lines;
}
