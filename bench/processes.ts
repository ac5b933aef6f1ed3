import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = 'bin/switchboard.js';
/** `switchboard serve` plus the fixed-JSON baseline route, which the production app does not have. */
const BENCH_GATEWAY = ['--import', 'tsx', 'bench/gateway.ts'];
/** The bare ceiling of the same work (bench/bare/server.ts): node:http and prepared statements. */
const BARE_SERVER = ['--import', 'tsx', 'bench/bare/server.ts'];

/** The environment every gateway process of one bench database shares. */
export interface GatewayEnv {
  DATABASE_URL: string;
  SWITCHBOARD_SECRET: string;
}

/** Runs one `switchboard` CLI command to completion and returns its stdout. */
export async function runCli(args: string[], env: GatewayEnv): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
    maxBuffer: 1 << 20,
  });
  return stdout;
}

export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** Resident set size now, from /proc/<pid>/status (VmRSS), in MB. */
  rssMb(): number;
  /** Its anonymous part (RssAnon: heap, stacks, SQLite's page cache), without mapped files (SQLite's mmap). */
  rssAnonMb(): number;
  /** CPU seconds (user + system) the server has used so far, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  /** SIGTERM, then wait for a graceful exit (SIGKILL after 20 s); resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL (a crash: nothing drains), resolved once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the gateway as `switchboard serve` runs it, plus the baseline route (bench/gateway.ts), as a
 * child process with the production logger (LOG_LEVEL=info, JSON lines) writing to /dev/null, and
 * waits until /healthz answers. `bare`: the bare server instead (bench/bare/server.ts, one log line
 * per request, as the product), given the number's app secret.
 */
export async function startServer(
  env: GatewayEnv,
  opts: { cpuProfileDir: string | null; label: string; port?: number; bare?: { appSecret: string } },
): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const devNull = openSync('/dev/null', 'w');
  // The bare server runs through tsx, whose loader thread writes a profile too, under the same
  // name; so its profiles go to a folder of their own, and the main thread's is kept on exit.
  const threadsDir = opts.cpuProfileDir && opts.bare ? mkdtempSync(join(opts.cpuProfileDir, `${opts.label}-threads-`)) : null;
  const profile = !opts.cpuProfileDir
    ? []
    : threadsDir
      ? ['--cpu-prof', `--cpu-prof-dir=${threadsDir}`]
      : ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfileDir}`, `--cpu-prof-name=${opts.label}.cpuprofile`];
  const bareEnv = opts.bare ? { BARE_APP_SECRET: opts.bare.appSecret } : {};
  const child = spawn(process.execPath, [...profile, ...(opts.bare ? BARE_SERVER : BENCH_GATEWAY)], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...bareEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', devNull, 'pipe'],
  });
  closeSync(devNull);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(baseUrl, exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`server did not become healthy: ${(err as Error).message}\n${stderr}`);
  }
  const pid = child.pid as number;
  // Reading /proc of a process that died fails with ENOENT: say why the server is gone instead.
  const whileAlive = <T>(read: () => T): T => {
    if (child.exitCode !== null || child.signalCode !== null) {
      // `serve` exits 0 only after SIGTERM/SIGINT: another process signalled it (a broad pkill, say).
      const why = child.exitCode === 0 ? 'exited 0: it was sent SIGTERM or SIGINT from outside the bench' : `exited (${child.exitCode ?? child.signalCode})`;
      throw new Error(`the server ${why} during the bench\n${stderr}`);
    }
    return read();
  };
  return {
    pid,
    baseUrl,
    rssMb: () => whileAlive(() => statusMbOf(pid, 'VmRSS')),
    rssAnonMb: () => whileAlive(() => statusMbOf(pid, 'RssAnon')),
    cpuSeconds: () => whileAlive(() => cpuSecondsOf(pid)),
    stop: async () => {
      const code = await stopChild(child, exited);
      if (threadsDir && opts.cpuProfileDir) keepMainThreadProfile(threadsDir, join(opts.cpuProfileDir, `${opts.label}.cpuprofile`));
      return code;
    },
    kill: () => killChild(child, exited),
  };
}

/** Of the profiles one process's threads wrote, keeps the main thread's (the largest) as `target`. */
function keepMainThreadProfile(dir: string, target: string): void {
  const files = readdirSync(dir).map((name) => join(dir, name)).sort((a, b) => statSync(b).size - statSync(a).size);
  if (files[0]) renameSync(files[0], target);
  rmSync(dir, { recursive: true, force: true });
}

/** A `switchboard worker` process (webhook, media and broadcast workers), as an operator runs one beside `serve`. */
export interface WorkerProcess {
  readonly pid: number;
  rssMb(): number;
  rssAnonMb(): number;
  cpuSeconds(): number;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Starts `switchboard worker` with the production logger writing to /dev/null (stderr kept for errors). */
export function startWorkerProcess(env: GatewayEnv & Record<string, string>, cpuProfile?: { dir: string; label: string } | null): WorkerProcess {
  const devNull = openSync('/dev/null', 'w');
  const profile = cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfile.dir}`, `--cpu-prof-name=${cpuProfile.label}-${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, CLI, 'worker'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', devNull, 'inherit'] });
  closeSync(devNull);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid as number;
  return {
    pid,
    rssMb: () => statusMbOf(pid, 'VmRSS'),
    rssAnonMb: () => statusMbOf(pid, 'RssAnon'),
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: () => stopChild(child, exited),
    kill: () => killChild(child, exited),
  };
}

async function killChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}

async function waitHealthy(baseUrl: string, exited: Promise<number | null>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error('the server process exited');
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('timed out after 60 s');
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

function statusMbOf(pid: number, field: 'VmRSS' | 'RssAnon'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream kernel.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number | string): number {
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuSeconds;
}

function parseStat(stat: string): { command: string; cpuSeconds: number } {
  // The command name is parenthesised and may contain spaces; utime and stime come 12 and 13 fields after it.
  const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { command, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** CPU seconds used so far by each process of the local PostgreSQL server (backends included), by pid. */
export function postgresCpuByPid(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat.command === 'postgres') byPid.set(entry, stat.cpuSeconds);
    } catch {
      // the process ended while we looked
    }
  }
  return byPid;
}

/**
 * CPU seconds PostgreSQL used between two snapshots: processes alive at both ends, plus those that
 * started in between (a process that ended in between is lost, never counted negative).
 */
export function postgresCpuBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += Math.max(0, seconds - (before.get(pid) ?? 0));
  return total;
}

/**
 * Jiffies of the whole machine, from /proc/stat: spent in processes (user, nice, system), in
 * interrupts (irq, softirq: loopback TCP is processed there and charged to no process), and in all.
 */
export function machineCpuTicks(): { processes: number; interrupts: number; busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { processes: user + nice + system, interrupts: irq + softirq, busy: total - idle - iowait, total };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
