/**
 * `npm run bench:duplicates`: Meta's duplicate and re-batched deliveries, on
 * SQLite and PostgreSQL. Signed payloads of 1–10 inbound messages and statuses (statuses for
 * messages the gateway has not stored: kept and applied later), each delivered 2–3 times, some
 * merged with another payload in reverse order, `--concurrency` at a time (default 32). On
 * PostgreSQL the copies alternate between two `serve` processes, as behind a load balancer, and
 * the same traffic is then sent to one `serve` alone (the machine has two cores: a second process
 * competes with PostgreSQL and the load generator for them). Each run waits for a quiet machine
 * first. Reports the ack latency (p50, p99), the answers other than 200, PostgreSQL's deadlock
 * count over the run, the CPU other processes took during the run, and each PostgreSQL p99 ÷
 * SQLite's (target ≤ 2).
 *
 * Options: --dialect sqlite|postgres|both (default both), --payloads N (default 1500),
 * --concurrency N, --postgres-serve 2,1 (the `serve` counts to run PostgreSQL with).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { BenchDatabase } from './database.ts';
import { textMessage, webhookBody } from './payloads.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { machineCpuTicks, postgresCpuBetween, postgresCpuByPid, type ServerProcess, startServer } from './processes.ts';
import { waitForQuietMachine } from './quiet.ts';
import { createTenant, gatewayEnv } from './setup.ts';
import { createSqliteDatabase } from './sqlite-database.ts';

const PG_BASE = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const { values } = parseArgs({
  options: { dialect: { type: 'string', default: 'both' }, payloads: { type: 'string', default: '1500' }, concurrency: { type: 'string', default: '32' }, 'postgres-serve': { type: 'string', default: '2,1' } },
});
const dialects = values.dialect === 'both' ? (['sqlite', 'postgres'] as const) : [values.dialect as 'sqlite' | 'postgres'];
const PAYLOADS = Number(values.payloads);
const CONCURRENCY = Number(values.concurrency);
const POSTGRES_SERVES = values['postgres-serve'].split(',').map(Number);
// USER_HZ: /proc/stat counts in hundredths of a second, summed over the cores.
const TICKS_PER_SECOND = 100;
const CORES = availableParallelism();

interface Result {
  dialect: string;
  serves: number;
  deliveries: number;
  p50Ms: number;
  p99Ms: number;
  non200: number;
  deadlocks: number | null;
  cpu: CpuUse;
}

/** Where the machine's CPU went during a run. */
interface CpuUse {
  wallSeconds: number;
  /** CPU seconds of the `serve` processes, of the PostgreSQL backends of their sessions, of this load generator. */
  serverSeconds: number;
  postgresSeconds: number;
  loadSeconds: number;
  /** The share of both cores that went to anything else (other work on the machine, the kernel's own). */
  otherPercent: number;
}

/** The same traffic for every dialect: a fixed seed. */
function traffic(number: Parameters<typeof webhookBody>[0]): string[] {
  let seed = 16;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const wamids = Array.from({ length: 200 }, (_, i) => `wamid.DUP-OUT-${i}`);
  const payloads = Array.from({ length: PAYLOADS }, (_, p) => {
    const customer = `1415700${String(p % 50).padStart(4, '0')}`;
    const count = 1 + Math.floor(random() * 10);
    const messages = Array.from({ length: count }, (_, i) => textMessage(customer, `wamid.DUP-IN-${p}-${i}`, 1767268800 + p, p + i));
    const statuses = Array.from({ length: Math.floor(random() * 10) }, (_, i) => ({
      id: wamids[Math.floor(random() * wamids.length)], status: ['sent', 'delivered', 'read'][Math.floor(random() * 3)], timestamp: String(1767268800 + p * 10 + i), recipient_id: customer,
    }));
    return { customer, messages, statuses };
  });
  const bodies: string[] = [];
  const body = (p: (typeof payloads)[number], reverse: boolean) => {
    const raw = JSON.parse(webhookBody(number, { waId: p.customer, name: 'Dup' }, reverse ? [...p.messages].reverse() : p.messages));
    raw.entry[0].changes[0].value.statuses = reverse ? [...p.statuses].reverse() : p.statuses;
    if (p.messages.length === 0) delete raw.entry[0].changes[0].value.messages;
    return JSON.stringify(raw);
  };
  for (const [i, p] of payloads.entries()) {
    const copies = 2 + Math.floor(random() * 2);
    for (let c = 0; c < copies; c++) bodies.push(body(p, c % 2 === 1));
    // Re-batched: this payload's statuses with the next one's, in reverse order.
    const next = payloads[(i + 1) % payloads.length] as (typeof payloads)[number];
    if (random() < 0.3) bodies.push(body({ ...p, messages: [], statuses: [...next.statuses, ...p.statuses] }, true));
  }
  // Shuffled within windows of 64, so the copies of a payload arrive close together.
  for (let start = 0; start < bodies.length; start += 64) {
    for (let i = Math.min(start + 63, bodies.length - 1); i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
    }
  }
  return bodies;
}

async function deadlockCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const { rows } = await client.query<{ deadlocks: string }>('select deadlocks from pg_stat_database where datname = current_database()');
  await client.end();
  return Number(rows[0]?.deadlocks ?? 0);
}

async function run(dialect: 'sqlite' | 'postgres', serves: number): Promise<Result> {
  const db: BenchDatabase = dialect === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase(PG_BASE);
  const env = gatewayEnv(db);
  // Names the run's PostgreSQL sessions, so that only their backends' CPU is counted as the run's.
  const applicationName = `dup_${randomBytes(4).toString('hex')}`;
  if (dialect === 'postgres') env.DATABASE_URL = withApplicationName(env.DATABASE_URL, applicationName);
  const tenant = await createTenant(env);
  const servers: ServerProcess[] = [];
  try {
    for (let i = 0; i < serves; i++) servers.push(await startServer(env, { cpuProfileDir: null, label: `dup-${dialect}-${i}` }));
    const bodies = traffic(tenant.number);
    const before = dialect === 'postgres' ? await deadlockCount(PG_BASE) : null;
    const busyBefore = Math.round(await waitForQuietMachine(60_000));
    if (busyBefore >= 15) console.log(`  ${dialect} × ${serves} serve: the machine stayed ${busyBefore}% busy; running anyway`);
    const backendsBefore = dialect === 'postgres' ? await backendPids(applicationName) : [];
    const cpu = cpuSnapshot(servers);
    const latencies: number[] = [];
    let non200 = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, lane) => {
        while (next < bodies.length) {
          const i = next++;
          const body = bodies[i] as string;
          const server = servers[(i + lane) % servers.length] as ServerProcess;
          const started = performance.now();
          const res = await fetch(`${server.baseUrl}/webhooks/whatsapp`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', tenant.appSecret).update(body).digest('hex')}` },
            body,
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - started);
          if (res.status !== 200) non200++;
        }
      }),
    );
    const cpuAfter = cpuSnapshot(servers);
    const backends = dialect === 'postgres' ? new Set([...backendsBefore, ...(await backendPids(applicationName))]) : new Set<string>();
    const cpuUse = cpuBetween(cpu, cpuAfter, backends);
    const after = dialect === 'postgres' ? await deadlockCount(PG_BASE) : null;
    latencies.sort((a, b) => a - b);
    const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
    return { dialect, serves, deliveries: bodies.length, p50Ms: at(0.5), p99Ms: at(0.99), non200, deadlocks: before === null || after === null ? null : after - before, cpu: cpuUse };
  } finally {
    for (const s of servers) await s.stop();
    await db.drop();
  }
}

interface CpuSnapshot {
  machine: ReturnType<typeof machineCpuTicks>;
  servers: number[];
  postgres: Map<string, number>;
  self: NodeJS.CpuUsage;
}

function cpuSnapshot(servers: readonly ServerProcess[]): CpuSnapshot {
  return { machine: machineCpuTicks(), servers: servers.map((s) => s.cpuSeconds()), postgres: postgresCpuByPid(), self: process.cpuUsage() };
}

/**
 * `backends`: the PostgreSQL backends of the run's sessions, seen at its start or end (one that
 * started and ended in between is missed; PostgreSQL's own writer processes count as other work).
 */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, backends: ReadonlySet<string>): CpuUse {
  const busySeconds = (after.machine.busy - before.machine.busy) / TICKS_PER_SECOND;
  const wallSeconds = (after.machine.total - before.machine.total) / TICKS_PER_SECOND / CORES;
  const serverSeconds = after.servers.reduce((sum, s, i) => sum + s - (before.servers[i] ?? 0), 0);
  const ours = (snapshot: Map<string, number>) => new Map([...snapshot].filter(([pid]) => backends.has(pid)));
  const postgresSeconds = postgresCpuBetween(ours(before.postgres), ours(after.postgres));
  const loadSeconds = (after.self.user + after.self.system - before.self.user - before.self.system) / 1e6;
  const otherSeconds = busySeconds - serverSeconds - postgresSeconds - loadSeconds;
  return { wallSeconds, serverSeconds, postgresSeconds, loadSeconds, otherPercent: Math.max(0, (100 * otherSeconds) / Math.max(0.01, wallSeconds * CORES)) };
}

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

async function backendPids(applicationName: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: PG_BASE });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
    return rows.map((r) => String(r.pid));
  } finally {
    await client.end();
  }
}

const results: Result[] = [];
for (const dialect of dialects) {
  for (const serves of dialect === 'sqlite' ? [1] : POSTGRES_SERVES) results.push(await run(dialect, serves));
}
console.log(`duplicate deliveries: ${PAYLOADS} payloads, concurrency ${CONCURRENCY}`);
console.log('| dialect | serve processes | deliveries | ack p50 ms | ack p99 ms | non-200 | deadlocks | run s | CPU ms per delivery: serve, PostgreSQL, load generator | other CPU during the run |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
for (const r of results) {
  const perDelivery = (seconds: number) => ((1000 * seconds) / r.deliveries).toFixed(1);
  const cpu = `${perDelivery(r.cpu.serverSeconds)}, ${r.dialect === 'postgres' ? perDelivery(r.cpu.postgresSeconds) : '—'}, ${perDelivery(r.cpu.loadSeconds)}`;
  console.log(`| ${r.dialect} | ${r.serves} | ${r.deliveries} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.non200} | ${r.deadlocks ?? '—'} | ${r.cpu.wallSeconds.toFixed(1)} | ${cpu} | ${r.cpu.otherPercent.toFixed(0)} % |`);
}
const sqlite = results.find((r) => r.dialect === 'sqlite');
for (const postgres of results.filter((r) => r.dialect === 'postgres')) {
  if (sqlite) console.log(`PostgreSQL (${postgres.serves} serve) ack p99 ÷ SQLite's: ${(postgres.p99Ms / sqlite.p99Ms).toFixed(2)} (target ≤ 2)`);
}
