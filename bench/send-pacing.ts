/**
 * `npm run bench:pacing`: direct API sends against a number's rate (docs/sending.md).
 *
 * `switchboard simulator` in its own process enforces Meta's throughput (80 messages/s per number,
 * 130429 past it); the gateway (`switchboard serve`, one on SQLite, `--serves N` on PostgreSQL
 * sharing one budget) paces the number to the same 80/s. `--clients` (200) send as fast as they
 * can for `--duration` seconds, each to customers of its own (the pair rate never binds), and
 * resend at once whatever is refused. Reported: the accepted rate against the number's rate, the
 * 429s and whether each carried Retry-After, and how many sends Meta itself refused (the target:
 * none).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Agent } from 'undici';
import { runCli, type ServerProcess, sleep, startServer } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NUMBER = { id: '100200300400700', display: '15550102099', waba: '100200300400701', token: 'pacing-token', secret: 'pacing-app-secret' };
const RATE = 80;

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'sqlite' },
    clients: { type: 'string', default: '200' },
    duration: { type: 'string', default: '20' },
    serves: { type: 'string', default: '1' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
  },
});
const clients = Number(values.clients);
const durationMs = Number(values.duration) * 1000;
const serves = values.dialect === 'postgres' ? Number(values.serves) : 1;

const dir = mkdtempSync(join(tmpdir(), 'switchboard-pacing-bench-'));
const databaseUrl = values.dialect === 'postgres' ? withSchema(values['postgres-url'] as string) : `sqlite:${join(dir, 'pacing.db')}`;
const env = { DATABASE_URL: databaseUrl, SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdefghijklmnop' };

const simulatorPort = 20000 + Math.floor(Math.random() * 20000);
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
const simulator = spawn(process.execPath, ['bin/switchboard.js', 'simulator', '--port', String(simulatorPort), '--log-level', 'warn', '--max-mps', String(RATE), '--no-window'], {
  cwd: ROOT,
  stdio: ['ignore', 'ignore', 'inherit'],
});
const gateways: ServerProcess[] = [];
try {
  await waitFor(`${simulatorUrl}/_simulator/numbers`);
  await runCli(['migrate'], env);
  const created = JSON.parse(await runCli(['projects', 'create', '--name', 'pacing-bench', '--json'], env)) as { project: { id: string }; api_key: string };
  await runCli(['numbers', 'add', '--project', created.project.id, '--phone-number-id', NUMBER.id, '--display-phone-number', NUMBER.display,
    '--waba-id', NUMBER.waba, '--access-token', NUMBER.token, '--app-secret', NUMBER.secret, '--verify-token', 'pacing-verify', '--json'], env);
  Object.assign(process.env, { META_GRAPH_URL: simulatorUrl, SANDBOX: 'false' });
  for (let i = 0; i < serves; i++) gateways.push(await startServer(env, { cpuProfileDir: null, label: `pacing-${i}` }));
  await fetch(`${simulatorUrl}/_simulator/numbers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number_id: NUMBER.id, display_phone_number: NUMBER.display, waba_id: NUMBER.waba, access_token: NUMBER.token, app_secret: NUMBER.secret }),
  });

  const dispatcher = new Agent({ connections: clients, pipelining: 1 });
  const counts = { accepted: 0, refused: 0, refusedWithoutRetryAfter: 0, metaThrottled: 0, other: 0 };
  const acceptedAt: number[] = [];
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const gateway = gateways[(client + n) % gateways.length] as ServerProcess;
        const to = `1415${String(client).padStart(3, '0')}${String(n % 10_000).padStart(4, '0')}`;
        const res = await fetch(`${gateway.baseUrl}/v24.0/${NUMBER.id}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': created.api_key },
          body: JSON.stringify({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'Your order shipped.' } }),
          dispatcher,
        } as RequestInit);
        const text = await res.text();
        if (res.status === 200) {
          counts.accepted++;
          acceptedAt.push(performance.now());
        } else if (res.status === 429) {
          counts.refused++;
          if (!res.headers.get('retry-after')) counts.refusedWithoutRetryAfter++;
        } else if (text.includes('130429')) counts.metaThrottled++;
        else counts.other++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  // The steady rate: the first second is the bucket's burst, then the pace.
  const steady = acceptedAt.filter((t) => t - started >= 1000).length / (elapsed - 1);
  const metaAccepted = (await (await fetch(`${simulatorUrl}/_simulator/messages?phone_number_id=${NUMBER.id}&direction=outbound`)).json()) as { data: unknown[] };
  console.log(`\n### Send pacing, ${values.dialect}${serves > 1 ? `, ${serves} serve processes` : ''} (${new Date().toISOString()}, node ${process.version})\n`);
  console.log(`${clients} clients for ${elapsed.toFixed(1)} s against a number paced at ${RATE}/s (the simulator refuses past ${RATE}/s):\n`);
  console.log('| accepted | accepted/s (steady) | ratio to 80 | 429 | 429 without Retry-After | Meta 130429 | other | Meta accepted |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(`| ${counts.accepted} | ${steady.toFixed(1)} | ${(steady / RATE).toFixed(3)} | ${counts.refused} | ${counts.refusedWithoutRetryAfter} | ${counts.metaThrottled} | ${counts.other} | ${metaAccepted.data.length} |`);
  await dispatcher.close();
} finally {
  for (const g of gateways) await g.stop().catch(() => undefined);
  simulator.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  if (values.dialect === 'postgres') await dropSchema(databaseUrl);
}

async function dropSchema(url: string): Promise<void> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') as string;
  parsed.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: parsed.toString() });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}

function withSchema(base: string): string {
  const url = new URL(base);
  url.searchParams.set('schema', `bench_${randomBytes(6).toString('hex')}`);
  return url.toString();
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}
