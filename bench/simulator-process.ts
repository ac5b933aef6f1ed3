import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `switchboard simulator` in a process of its own, as the benches run it against the gateway. */
export interface SimulatorProcess {
  readonly pid: number;
  readonly url: string;
  /** A control or Graph call, JSON in and out; throws on a non-2xx answer. */
  call<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  stop(): void;
}

/** Starts the simulator with these flags (besides --port and --log-level warn) and waits until its control API answers. */
export async function startSimulatorProcess(flags: string[]): Promise<SimulatorProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/switchboard.js', 'simulator', '--port', String(port), '--log-level', 'warn', ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the simulator exited at start');
    try {
      if ((await fetch(`${url}/_simulator/numbers`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i >= 300) throw new Error(`${url} did not answer`);
    await sleep(100);
  }
  return { pid: child.pid as number, url, call, stop: () => void child.kill('SIGTERM') };
}
