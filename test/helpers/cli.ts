import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The shipped entry point, which runs the compiled build in dist/. */
export const COMPILED_BIN = fileURLToPath(new URL('../../bin/switchboard.js', import.meta.url));
/**
 * What the CLI tests run: the shipped entry point. `npm test` builds dist/ before the tests (an
 * incremental tsc: a no-op after `npm ci`), so they prove the code as edited, as it ships, and
 * each command starts in a third of the CPU the sources through tsx took.
 */
export const BIN = COMPILED_BIN;

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `switchboard <args>` as a user would, with only the given environment on top of PATH. */
export function runCli(args: string[], env: Record<string, string>, cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `switchboard <args>` without blocking this process's event loop: needed whenever the
 * command calls a server living in this process (the simulator as Meta) or this process must go on
 * working meanwhile. runCli's spawnSync would freeze that server until the command gave up on it
 * (a `numbers add` against an in-process simulator waited out META_TIMEOUT_MS, 20 s).
 */
export function runCliAsync(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** runCliJson without blocking this process's event loop (see runCliAsync). */
export async function runCliJsonAsync<T = Record<string, unknown>>(args: string[], env: Record<string, string>, cwd?: string): Promise<T> {
  return parseOneJsonLine<T>(args, await runCliAsync([...args, '--json'], env, cwd));
}

/** Runs a CLI command that must succeed with --json, returning its one JSON object. */
export function runCliJson<T = Record<string, unknown>>(args: string[], env: Record<string, string>, cwd?: string): T {
  return parseOneJsonLine<T>(args, runCli([...args, '--json'], env, cwd));
}

function parseOneJsonLine<T>(args: string[], r: CliResult): T {
  if (r.status !== 0) throw new Error(`switchboard ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line, got: ${r.stdout}`);
  return JSON.parse(lines[0] ?? '') as T;
}

/** A TCP port free at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Spawns `switchboard serve` on a free port (or on env.PORT, to restart it where it was) without
 * waiting for it (see startServe); `node` is the Node.js command line before the `serve` argument
 * (another entry point, `--import` flags).
 */
export async function spawnServe(env: Record<string, string>, cwd?: string, node: string[] = [BIN]) {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, [...node, 'serve'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += String(d)));
  child.stderr.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port, base: `http://127.0.0.1:${port}`, exited, output: () => output };
}

/** Starts `switchboard serve` and resolves once /healthz answers. */
export async function startServe(env: Record<string, string>, cwd?: string) {
  const s = await spawnServe(env, cwd);
  for (let i = 0; i < 300; i++) {
    if (s.child.exitCode !== null) throw new Error(`serve exited early: ${s.output()}`);
    try {
      if ((await fetch(`${s.base}/healthz`)).ok) return s;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  s.child.kill('SIGKILL');
  throw new Error(`serve did not become healthy: ${s.output()}`);
}
