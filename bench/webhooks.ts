/**
 * `npm run bench:webhooks`: webhook delivery, on SQLite and PostgreSQL.
 *
 * (a) Throughput: N customer messages are stored with their outbox events in one transaction
 *     while the delivery workers are already running and idle; deliveries/s = N ÷ the time from
 *     that commit until the receiver (this process, answering 200 at once) has all N.
 *     SQLite: one `switchboard worker` process (the worker `serve` embeds on SQLite);
 *     PostgreSQL: two `switchboard worker` processes.
 * (b) Latency: `switchboard serve` (plus two workers on PostgreSQL) ingests signed Meta webhooks
 *     at 100 messages/s for 15 s; for each message, the time from its 200 (the commit happened
 *     before it) and from its POST to the receiver getting its event.
 *
 * Options: --dialect sqlite|postgres|both (default both), --events N (default 20000).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { writeJson } from '../src/db/json.ts';
import { createDeps, createLogger } from '../src/create-deps.ts';
import type { Deps } from '../src/deps.ts';
import { storeConversationMessages } from '../src/messages/store-conversation-messages.ts';
import { addPhoneNumber, createProject } from '../src/tenants/tenancy.ts';
import { startServer, sleep } from './processes.ts';
import { secretSlots } from '../src/crypto/secrets.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PG_BASE = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NUMBER = { id: '300200100400500', display: '15550109999', waba: '300200100400501', token: 'bench-token', secret: 'bench-app-secret' };
const CUSTOMERS = 1_000;

const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'both' }, events: { type: 'string', default: '20000' } } });
const dialects = values.dialect === 'both' ? (['sqlite', 'postgres'] as const) : [values.dialect as 'sqlite' | 'postgres'];
const EVENTS = Number(values.events);

/** The business's endpoint: answers 200 at once and notes when each message's event arrived. */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      count++;
      const id = /"id":"(wamid\.[^"]+)"/.exec(Buffer.concat(chunks).toString('utf8'))?.[1];
      if (id) arrivals.set(id, at);
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    count: () => count,
    reset: () => {
      count = 0;
      arrivals.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fresh database: a temp SQLite file or a new PostgreSQL schema. */
function freshDatabase(dialect: 'sqlite' | 'postgres') {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-webhooks-bench-'));
    return { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_wh_${randomBytes(5).toString('hex')}`;
  const url = new URL(PG_BASE);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_BASE });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

async function prepare(deps: Deps, receiverUrl: string): Promise<void> {
  await migrateToLatest(deps.database);
  const { project } = await createProject(deps, 'webhooks-bench');
  await addPhoneNumber(deps, {
    projectId: project.id,
    phoneNumberId: NUMBER.id,
    displayPhoneNumber: NUMBER.display,
    wabaId: NUMBER.waba,
    accessToken: NUMBER.token,
    appSecret: NUMBER.secret,
    verifyToken: 'bench-verify',
  });
  const now = Date.now();
  const webhookId = crypto.randomUUID();
  await deps.database.db
    .insertInto('webhooks')
    .values({
      id: webhookId,
      project_id: project.id,
      phone_number_id: NUMBER.id,
      url: receiverUrl,
      kind: 'kapso',
      events: writeJson(['whatsapp.message.received']),
      active: 1,
      secret_enc: deps.cipher.encrypt('bench-webhook-secret', secretSlots.webhookSecret(webhookId)),
      headers: '{}',
      payload_version: 'v2',
      buffer_enabled: 0,
      buffer_window_seconds: 5,
      max_buffer_size: 50,
      buffer_events: '[]',
      inactivity_minutes: 60,
      paused_at: null,
      failing_since: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Stores `n` customer messages (and their events) in one transaction, spread over CUSTOMERS conversations. */
async function storeMessages(deps: Deps, n: number, prefix: string): Promise<void> {
  const now = Date.now();
  const ctx = { now, inactivityMs: deps.config.conversations.inactivityMs };
  await deps.database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < n; i++) {
      const waId = `1415${String(i % CUSTOMERS).padStart(7, '0')}`;
      const id = `wamid.${prefix}${i}`;
      const body = `Bench message ${i}: is my order ready?`;
      await storeConversationMessages(trx, [
        {
          message: {
            phoneNumberId: NUMBER.id,
            waId,
            profileName: 'Bench Customer',
            id,
            type: 'text',
            direction: 'inbound',
            timestamp: Math.floor(now / 1000),
            status: 'received',
            processingStatus: 'pending',
            payload: { from: waId, id, timestamp: String(Math.floor(now / 1000)), type: 'text', text: { body } },
            derived: { hasMedia: false, content: body, messageTypeData: {}, previewText: body },
          },
          ctx,
        },
      ]);
    }
  });
}

/** BENCH_CPU_PROF=<dir> writes a CPU profile of each worker (summarise with bench/profile-summary.ts). */
const PROFILE = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];

function startWorkers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, [...PROFILE, 'bin/switchboard.js', 'worker'], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
        }),
    ),
  );
}

async function waitForCount(count: () => number, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (count() < n) {
    if (Date.now() > until) throw new Error(`only ${count()} of ${n} deliveries arrived in ${timeoutMs / 1000} s`);
    await sleep(5);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function benchDialect(dialect: 'sqlite' | 'postgres') {
  const db = freshDatabase(dialect);
  const env = { DATABASE_URL: db.url, SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdefghijklmnop', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', SANDBOX: 'false' };
  const receiver = await startReceiver();
  const deps = createDeps(loadConfig(env), { log: createLogger('silent') });
  const workerCount = dialect === 'sqlite' ? 1 : 2;
  try {
    await prepare(deps, receiver.url);
    // (a) throughput
    const workers = startWorkers(workerCount, env);
    await sleep(3_000); // the workers start (tsx) and go idle
    const started = performance.now();
    await storeMessages(deps, EVENTS, 'T');
    const committed = performance.now();
    await waitForCount(receiver.count, EVENTS, 300_000);
    const elapsedS = (performance.now() - committed) / 1000;
    await stopAll(workers);
    const throughput = { events: EVENTS, storeS: (committed - started) / 1000, deliverS: elapsedS, perSecond: EVENTS / elapsedS };

    // (b) latency at 100 messages/s through serve
    receiver.reset();
    const server = await startServer(env as never, { cpuProfileDir: null, label: `webhooks-${dialect}` });
    const extra = dialect === 'postgres' ? startWorkers(2, env) : [];
    await sleep(dialect === 'postgres' ? 3_000 : 500);
    const sentAt = new Map<string, number>();
    const ackedAt = new Map<string, number>();
    const total = 1_500;
    const t0 = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + i * 10;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const id = `wamid.L${i}`;
      const waId = `1415${String(i % 100).padStart(7, '0')}`;
      const body = JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: NUMBER.waba, changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: NUMBER.display, phone_number_id: NUMBER.id }, contacts: [{ profile: { name: 'Latency' }, wa_id: waId }], messages: [{ from: waId, id, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: `latency ${i}` } }] } }] }],
      });
      const signature = `sha256=${createHmac('sha256', NUMBER.secret).update(body).digest('hex')}`;
      sentAt.set(id, performance.now());
      inflight.push(
        fetch(`${server.baseUrl}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body }).then(async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
          ackedAt.set(id, performance.now());
        }),
      );
    }
    await Promise.all(inflight);
    await waitForCount(receiver.count, total, 60_000);
    await server.stop();
    await stopAll(extra);
    const fromAck = [...ackedAt].map(([id, at]) => (receiver.arrivals.get(id) ?? Number.NaN) - at).sort((a, b) => a - b);
    const fromPost = [...sentAt].map(([id, at]) => (receiver.arrivals.get(id) ?? Number.NaN) - at).sort((a, b) => a - b);
    const latency = {
      messages: total,
      fromAckMedianMs: percentile(fromAck, 50),
      fromAckP99Ms: percentile(fromAck, 99),
      fromPostMedianMs: percentile(fromPost, 50),
      fromPostP99Ms: percentile(fromPost, 99),
    };
    return { dialect, workers: workerCount, throughput, latency };
  } finally {
    await deps.database.close();
    await receiver.close();
    await db.drop();
  }
}

const results = [];
for (const dialect of dialects) {
  console.error(`webhooks bench: ${dialect}…`);
  results.push(await benchDialect(dialect));
}
for (const r of results) {
  const t = r.throughput;
  const l = r.latency;
  console.log(
    `${r.dialect}: ${t.events} deliveries by ${r.workers} worker(s) in ${t.deliverS.toFixed(2)} s = ${Math.round(t.perSecond)}/s ` +
      `(target ${r.dialect === 'sqlite' ? '≥ 1,000' : '≥ 2,000'}); commit→receiver at 100 msg/s: median ${l.fromAckMedianMs.toFixed(1)} ms ` +
      `(p99 ${l.fromAckP99Ms.toFixed(1)} ms) after the 200, POST→receiver median ${l.fromPostMedianMs.toFixed(1)} ms (target median ≤ 50 ms)`,
  );
}
console.log(JSON.stringify(results, null, 2));
