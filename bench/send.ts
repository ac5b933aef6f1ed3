/**
 * `npm run bench:send`: the send path on SQLite (issue "Send through the gateway…", performance).
 *
 * A fresh SQLite database, `switchboard simulator` in its own process with Meta's limits lifted,
 * the gateway in its own process pointed at it, and autocannon in this process:
 * (a) sends straight to the simulator and (b) the same sends through the gateway, at 50
 * connections (throughput) and at 1 connection (latency: the gateway's added p50 is b − a);
 * then (c) how fast the gateway applies the status webhooks the simulator sends for those sends.
 */
import autocannon, { type Result } from 'autocannon';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { createServer } from 'node:net';
import { runCli, startServer } from './processes.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NUMBER = { id: '100200300400500', display: '15550102030', waba: '100200300400501', token: 'bench-token', secret: 'bench-app-secret' };
// Direct sends use a number of their own, with no webhook target: its statuses must not reach
// the gateway and crowd the proxied run's measurements.
const DIRECT_NUMBER = { ...NUMBER, id: '100200300400599' };
// The gateway paces each number to at most Meta's highest level (1,000 messages/s, docs/sending.md):
// the proxied sends go round four numbers so that the pace never binds and the run measures the
// gateway's own cost. The first one's statuses are blasted in (c).
const GATEWAY_NUMBERS = [NUMBER, ...['100200300400502', '100200300400503', '100200300400504'].map((id) => ({ ...NUMBER, id }))];
const CUSTOMER = '14155550123';
const STATUSES_PER_POST = 99;
const body = JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: { body: 'Your order #4471 has shipped and will arrive on Thursday.' } });

const dir = mkdtempSync(join(tmpdir(), 'switchboard-send-bench-'));
const file = join(dir, 'send.db');
const env = { DATABASE_URL: `sqlite:${file}`, SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdefghijklmnop', SEND_PAIR_PER_MINUTE: '0' };

const simulatorPort = await freePort();
const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
const simulator = spawn(
  process.execPath,
  ['bin/switchboard.js', 'simulator', '--port', String(simulatorPort), '--log-level', 'warn', '--max-mps', '1000000', '--no-pair-rate', '--no-window',
    '--batch-window-ms', '20', '--batch-max-items', '100', '--delivery-concurrency', '4'],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
);
try {
  await waitFor(`${simulatorUrl}/_simulator/numbers`);
  const created = JSON.parse(await runCli(['projects', 'create', '--name', 'send-bench', '--json'], env)) as { project: { id: string }; api_key: string };
  for (const n of GATEWAY_NUMBERS) {
    await runCli(['numbers', 'add', '--project', created.project.id, '--phone-number-id', n.id, '--display-phone-number', n.display,
      '--waba-id', n.waba, '--access-token', n.token, '--app-secret', n.secret, '--verify-token', `bench-verify-${n.id}`, '--json'], env);
    await runCli(['numbers', 'update', '--phone-number-id', n.id, '--max-messages-per-second', '1000', '--json'], env);
  }
  Object.assign(process.env, { META_GRAPH_URL: simulatorUrl, SANDBOX: 'false' });
  const gateway = await startServer(env, { cpuProfileDir: null, label: 'send' });
  for (const n of GATEWAY_NUMBERS) {
    await post(`${simulatorUrl}/_simulator/numbers`, {
      phone_number_id: n.id, display_phone_number: n.display, waba_id: n.waba, access_token: n.token, app_secret: n.secret,
      webhook_url: `${gateway.baseUrl}/webhooks/whatsapp`,
    });
  }
  await post(`${simulatorUrl}/_simulator/numbers`, {
    phone_number_id: DIRECT_NUMBER.id, display_phone_number: NUMBER.display, waba_id: NUMBER.waba, access_token: NUMBER.token, app_secret: NUMBER.secret,
  });

  const direct = { url: simulatorUrl, numbers: [DIRECT_NUMBER.id], headers: { authorization: `Bearer ${NUMBER.token}`, 'content-type': 'application/json' } };
  const proxied = { url: gateway.baseUrl, numbers: GATEWAY_NUMBERS.map((n) => n.id), headers: { 'x-api-key': created.api_key, 'content-type': 'application/json' } };
  const send = (target: { url: string; numbers: string[]; headers: Record<string, string> }, connections: number, duration: number) =>
    autocannon({ url: target.url, connections, duration, requests: target.numbers.map((n) => ({ method: 'POST' as const, path: `/v24.0/${n}/messages`, headers: target.headers, body })) });

  await send(proxied, 10, 2); // warm-up
  const directThroughput = await send(direct, 50, 8);
  const sampler = startStatusSampler(file);
  const proxiedThroughput = await send(proxied, 50, 8);
  const statuses = await sampler.drain();
  const directLatency = await send(direct, 1, 5);
  const proxiedLatency = await send(proxied, 1, 5);
  const statusBurst = await blastStatuses(gateway.baseUrl, file);
  const rss = gateway.rssMb();
  await gateway.stop();

  const row = (name: string, r: Result) => `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} | ${r.latency.p99} | ${r.non2xx} | ${r.errors} |`;
  console.log(`\n### Send path, SQLite (${new Date().toISOString()}, node ${process.version})\n`);
  console.log('| run | req/s | p50 ms | p99 ms | non-2xx | errors |\n|---|---:|---:|---:|---:|---:|');
  console.log(row('direct to simulator, 50 conn', directThroughput));
  console.log(row('through the gateway, 50 conn', proxiedThroughput));
  console.log(row('direct to simulator, 1 conn', directLatency));
  console.log(row('through the gateway, 1 conn', proxiedLatency));
  const addedP50 = proxiedLatency.latency.p50 - directLatency.latency.p50;
  console.log(`\n| target | measured | met |\n|---|---:|---|`);
  console.log(`| sends through the gateway ≥ 1,000/s | ${proxiedThroughput.requests.average.toFixed(0)} | ${proxiedThroughput.requests.average >= 1000 && proxiedThroughput.non2xx === 0 ? 'yes' : '**no**'} |`);
  console.log(`| gateway's added p50 (1 conn) ≤ 2 ms | ${addedP50.toFixed(2)} ms | ${addedP50 <= 2 ? 'yes' : '**no**'} |`);
  const burstRate = statusBurst.result.requests.average * STATUSES_PER_POST;
  console.log(`| status webhooks applied ≥ 5,000/s (signed POSTs of ${STATUSES_PER_POST}, 50 conn) | ${burstRate.toFixed(0)} (p99 ${statusBurst.result.latency.p99} ms, non-2xx ${statusBurst.result.non2xx}) | ${burstRate >= 5000 && statusBurst.result.non2xx === 0 ? 'yes' : '**no**'} |`);
  console.log(`\nWhile the proxied sends ran, the simulator's own status webhooks were applied at up to ${statuses.perSecond.toFixed(0)}/s (bounded by the send rate × 3).`);
  console.log(`\nGateway RSS at the end: ${rss} MB. Stored outbound messages: ${statuses.messages}.`);
} finally {
  simulator.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Samples how many status events the gateway has stored while the simulator delivers the statuses
 * of the proxied sends (sent, delivered, read: three per message), then waits for the drain.
 * The rate reported is the busiest 5-second stretch.
 */
function startStatusSampler(dbFile: string) {
  const db = new SQLite(dbFile, { readonly: true });
  const count = () => (db.prepare('select count(*) as n from message_statuses').get() as { n: number }).n;
  const samples: Array<{ t: number; n: number }> = [];
  const timer = setInterval(() => samples.push({ t: performance.now(), n: count() }), 100);
  return {
    async drain() {
      const messages = () => (db.prepare("select count(*) as n from messages where direction = 'outbound'").get() as { n: number }).n;
      const deadline = Date.now() + 60_000;
      let last = -1;
      let stableSince = Date.now();
      while (Date.now() < deadline) {
        const n = count();
        if (n >= messages() * 3) break;
        if (n !== last) [last, stableSince] = [n, Date.now()];
        else if (Date.now() - stableSince > 5_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      clearInterval(timer);
      samples.push({ t: performance.now(), n: count() });
      let best = 0;
      for (const start of samples) {
        const end = [...samples].reverse().find((s) => s.t - start.t <= 5_000);
        if (end && end.t > start.t) best = Math.max(best, ((end.n - start.n) / (end.t - start.t)) * 1000);
      }
      const result = { count: count(), perSecond: best, messages: messages() };
      db.close();
      return result;
    },
  };
}

/**
 * Status webhooks as Meta sends them under load: signed POSTs of 99 statuses (sent, delivered,
 * read for 33 stored outbound messages, with fresh timestamps so every event is new), for 8 s.
 */
async function blastStatuses(baseUrl: string, dbFile: string) {
  const db = new SQLite(dbFile, { readonly: true });
  const wamids = (db.prepare("select id from messages where direction = 'outbound' limit 20000").all() as Array<{ id: string }>).map((r) => r.id);
  db.close();
  let round = 0;
  const payload = () => {
    round++;
    const statuses = [];
    for (let k = 0; k < STATUSES_PER_POST / 3; k++) {
      const id = wamids[(round * 33 + k) % wamids.length]!;
      const ts = 1_800_000_000 + round;
      for (const status of ['sent', 'delivered', 'read']) statuses.push({ id, status, timestamp: String(ts), recipient_id: CUSTOMER });
    }
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: NUMBER.waba, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: NUMBER.display, phone_number_id: NUMBER.id }, statuses } }] }],
    });
  };
  const result = await autocannon({
    url: baseUrl,
    connections: 50,
    duration: 8,
    requests: [
      {
        method: 'POST',
        path: '/webhooks/whatsapp',
        setupRequest: (request) => {
          const b = payload();
          const signature = `sha256=${createHmac('sha256', NUMBER.secret).update(b).digest('hex')}`;
          return { ...request, body: b, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature } };
        },
      },
    ],
  });
  return { result };
}

async function post(url: string, payload: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
