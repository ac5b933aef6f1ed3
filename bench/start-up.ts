/**
 * `node --import tsx bench/start-up.ts [--help-runs N] [--serve-runs N] LABEL=ENTRY[?VAR=VALUE&…] …`:
 * how long `switchboard --help` takes to exit and `switchboard serve` takes from spawn to its first
 * `/readyz` 200, for each entry point given (e.g. this checkout's bin/switchboard.js and an older
 * checkout's), with optional environment variables after `?` (`TSX_DISABLE_CACHE=1` measures a
 * cold tsx cache). Each serve run starts in an empty temporary folder with the defaults, as
 * `npm start` does on a fresh clone (SQLite, the sandbox), and is stopped with SIGTERM after.
 * Runs alternate between the entry points, so a machine getting busier slows them alike. Prints
 * the median, min and max of each, and each entry point's medians as a ratio to the first one's;
 * for serve also the CPU time it had used when ready, which a busy machine inflates less than
 * wall time.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

interface Candidate {
  label: string;
  entry: string;
  env: Record<string, string>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'help-runs': { type: 'string', default: '20' }, 'serve-runs': { type: 'string', default: '10' } },
});
const helpRuns = Number(values['help-runs']);
const serveRuns = Number(values['serve-runs']);
const candidates: Candidate[] = (positionals.length > 0 ? positionals : ['this=bin/switchboard.js']).map((spec) => {
  const [label, rest] = spec.split(/=(.*)/s) as [string, string | undefined];
  if (!rest) throw new Error(`expected LABEL=ENTRY[?VAR=VALUE&…], got ${spec}`);
  const [entry, query] = rest.split('?') as [string, string | undefined];
  return { label, entry: resolve(entry), env: Object.fromEntries(new URLSearchParams(query ?? '')) };
});

function baseEnv(candidate: Candidate): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...candidate.env };
}

function helpOnce(candidate: Candidate): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, [candidate.entry, '--help'], { env: baseEnv(candidate), encoding: 'utf8' });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${candidate.label} --help exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** CPU seconds (user + system, every thread) a live process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface ServeRun {
  ms: number;
  cpuMs: number;
}

async function serveOnce(candidate: Candidate): Promise<ServeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-start-up-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [candidate.entry, 'serve'], { cwd: dir, env: { ...baseEnv(candidate), PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  let failed: Error | null = null;
  child.on('error', (err) => (failed = err));
  const exited = new Promise<void>((done) => child.on('close', () => done()));
  try {
    for (;;) {
      if (failed) throw new Error(`${candidate.label} serve could not start: ${String(failed)}`);
      if (child.exitCode !== null) throw new Error(`${candidate.label} serve exited ${child.exitCode}: ${stderr}`);
      if (performance.now() - started > 120_000) throw new Error(`${candidate.label} serve not ready after 120 s: ${stderr}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
      if (res?.status === 200) return { ms: performance.now() - started, cpuMs: cpuSeconds(child.pid ?? 0) * 1000 };
      await res?.arrayBuffer();
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    if (child.pid !== undefined) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function summary(ms: number[]): { median: number; min: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 };
}

function report(what: string, runs: number, times: Map<string, number[]>): void {
  console.log(`\n${what} (${runs} runs each, ms)`);
  const first = summary(times.get(candidates[0]?.label ?? '') ?? []).median;
  for (const { label } of candidates) {
    const s = summary(times.get(label) ?? []);
    console.log(`  ${label.padEnd(16)} median ${s.median.toFixed(0).padStart(6)}  min ${s.min.toFixed(0).padStart(6)}  max ${s.max.toFixed(0).padStart(6)}  ×${(s.median / first).toFixed(2)} of ${candidates[0]?.label}`);
  }
}

const helpTimes = new Map(candidates.map((c) => [c.label, [] as number[]]));
if (helpRuns > 0) {
  for (const c of candidates) helpOnce(c); // warm-up: the file cache, and tsx's transform cache where one is used
  for (let i = 0; i < helpRuns; i++) for (const c of candidates) helpTimes.get(c.label)?.push(helpOnce(c));
  report('switchboard --help, spawn to exit', helpRuns, helpTimes);
}

const serveTimes = new Map(candidates.map((c) => [c.label, [] as number[]]));
const serveCpu = new Map(candidates.map((c) => [c.label, [] as number[]]));
for (const c of candidates) await serveOnce(c);
for (let i = 0; i < serveRuns; i++) {
  for (const c of candidates) {
    const run = await serveOnce(c);
    serveTimes.get(c.label)?.push(run.ms);
    serveCpu.get(c.label)?.push(run.cpuMs);
  }
}
report('switchboard serve, spawn to the first /readyz 200 (fresh folder, SQLite, sandbox)', serveRuns, serveTimes);
report('CPU time serve had used when ready (user + system, 10 ms ticks)', serveRuns, serveCpu);
