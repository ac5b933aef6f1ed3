/**
 * `npm run bench:broadcast`: a broadcast sent by the worker against the simulator (docs/broadcasts.md
 * "The worker").
 *
 * Per dialect: on SQLite `switchboard serve` alone (its embedded worker sends); on PostgreSQL
 * `serve` with EMBEDDED_WORKER=false plus one `switchboard worker` (the worker sends and applies
 * the statuses). `switchboard simulator` runs in its own process, refusing past `--rate` sends a
 * second with 130429, and the number's max_messages_per_second is the same `--rate`: the send
 * governor must hold it exactly.
 *
 * - throughput: the achieved rate (from the recipients' sent_at), the simulator's 130429s, how
 *   late the delivered statuses reach the recipients, the gateway's RSS growth, CPU per process;
 * - kill: the sending process is killed with SIGKILL `--kills` times at random points and
 *   restarted at once (BROADCAST_OUTCOME_WAIT_MS=120000, above the simulator's longest redelivery delay of 60 s); every recipient must be accepted exactly
 *   once by the simulator and the broadcast's counts must equal the simulator's.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { BenchDatabase } from './database.ts';
import { type BenchDialect, dialectsOf, positiveInt } from './options.ts';
import { withPostgresAutovacuum } from './postgres-autovacuum.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { cpuSecondsOf, freePort, type GatewayEnv, postgresCpuBetween, postgresCpuByPid, runCli, type ServerProcess, sleep, startServer, startWorkerProcess, type WorkerProcess } from './processes.ts';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.ts';
import { createSqliteDatabase } from './sqlite-database.ts';

const NUMBER = { id: '100200300400800', display: '15550102100', waba: '100200300400801', token: 'broadcast-token', secret: 'broadcast-app-secret' };
const SAMPLE_MS = 200;
/** Delivered status events stored past a seq, and the last seq (`?`: SQLite's placeholder; `$1` on PostgreSQL). */
const STORED_SINCE_SQL = `select coalesce(sum(case when status = 'delivered' then 1 else 0 end), 0) as delivered, coalesce(max(seq), 0) as top
  from message_statuses where seq > ?`;
const STORED_BETWEEN_SQL = `select count(*) as delivered from message_statuses where seq > ? and seq <= ? and status = 'delivered'`;
const APPLIED_SQL = `select delivered_count as applied from broadcasts where id = ?`;
/**
 * How long a status event's seq may stay invisible after a later one is seen: on PostgreSQL a
 * sequence hands out seqs at insert and transactions commit in their own order.
 */
const SETTLE_MS = 2_000;
const SENT_SQL = `select count(*) as n from broadcast_recipients where sent_at is not null`;
const SPAN_SQL = `select min(sent_at) as first, max(sent_at) as last, count(*) as count from broadcast_recipients where sent_at is not null`;

const USAGE = `usage: npm run bench:broadcast -- [--dialect sqlite|postgres|both] [--scenario throughput|kill|all]
                                   [--recipients N] [--rate R] [--kills K] [--postgres-url URL]
                                   [--cpu-prof DIR] [--postgres-autovacuum on]
  --cpu-prof writes V8 CPU profiles of serve (and the worker) into DIR
  --postgres-autovacuum on turns PostgreSQL's autovacuum on for the runs (ALTER SYSTEM, reloaded;
    reset afterwards) where the server has it off, as CI servers do: production servers run it,
    and without it the queue tables' dead rows are never cleaned during a run
  --recipients defaults to 100000 for throughput and 20000 for kill; --rate to 1000; --kills to 3`;

const { values } = parseArgs({
  options: {
    dialect: { type: 'string', default: 'both' },
    scenario: { type: 'string', default: 'all' },
    recipients: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    kills: { type: 'string', default: '3' },
    'postgres-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    'cpu-prof': { type: 'string' },
    'postgres-autovacuum': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dialects: BenchDialect[] = dialectsOf(values.dialect, USAGE);
const scenarios = values.scenario === 'all' ? (['throughput', 'kill'] as const) : [values.scenario as 'throughput' | 'kill'];
if (!scenarios.every((s) => s === 'throughput' || s === 'kill')) throw new Error(`--scenario: ${values.scenario}\n${USAGE}`);
const rate = positiveInt('rate', values.rate, USAGE);
const kills = positiveInt('kills', values.kills, USAGE);
const cpuProfileDir = values['cpu-prof'] ?? null;

/** The gateway's processes for one run: serve, plus on PostgreSQL the worker that sends. */
interface Gateway {
  serve: ServerProcess;
  worker: WorkerProcess | null;
  /** Kills the process that sends (serve on SQLite, the worker on PostgreSQL) and starts it again. */
  crashSender(): Promise<void>;
  rssMb(): number;
  /** Without mapped files: SQLite's read connection maps the database, and those pages count in VmRSS. */
  rssAnonMb(): number;
  stop(): Promise<void>;
}

interface Run {
  db: BenchDatabase;
  simulator: SimulatorProcess;
  gateway: Gateway;
  apiKey: string;
  broadcastId: string;
  /** The database as the bench reads it (counts only), beside the gateway's own connections. */
  probe: Probe;
  close(): Promise<void>;
}

async function throughput(dialect: BenchDialect, recipients: number): Promise<void> {
  const run = await prepare(dialect, recipients, {});
  try {
    const rssBefore = run.gateway.rssMb();
    const anonBefore = run.gateway.rssAnonMb();
    let rssPeak = rssBefore;
    let anonPeak = anonBefore;
    const cpuBefore = cpuOf(run);
    const pgBefore = dialect === 'postgres' ? postgresCpuByPid() : null;
    const curve: Array<{ t: number; stored: number; applied: number }> = [];
    await send(run);
    const started = performance.now();
    for (;;) {
      const b = await broadcast(run);
      const c = await run.probe.delivered(run.broadcastId);
      curve.push({ t: performance.now(), ...c });
      rssPeak = Math.max(rssPeak, run.gateway.rssMb());
      anonPeak = Math.max(anonPeak, run.gateway.rssAnonMb());
      // Stored can trail applied only if a status committed past SETTLE_MS after a later one (checked below).
      if (b.status === 'completed' && c.applied >= Number(b.sent_count) && c.stored <= c.applied) break;
      if (performance.now() - started > recipients * 100 + 120_000) throw new Error(`the broadcast did not finish: ${JSON.stringify(b)}`);
      await sleep(SAMPLE_MS);
    }
    const rssAfter = run.gateway.rssMb();
    const anonAfter = run.gateway.rssAnonMb();
    const cpu = cpuOf(run);
    const pgCpu = pgBefore ? postgresCpuBetween(pgBefore, postgresCpuByPid()) : null;
    const b = await broadcast(run);
    const sends = await simulatorTotals(run.simulator);
    const span = await run.probe.sentSpan();
    const storedInAll = await run.probe.storedInAll();
    if (storedInAll !== curve.at(-1)?.stored) console.warn(`warning: delivered statuses counted as they came: ${curve.at(-1)?.stored}, counted in all: ${storedInAll}; the lag figures are off by the difference`);
    const achieved = (span.count - 1) / ((span.last - span.first) / 1000);
    const lag = lagPercentiles(curve);
    console.log(`\n### Broadcast throughput, ${dialect} (${dialect === 'sqlite' ? 'serve alone' : 'serve + one worker'}; ${new Date().toISOString()}, node ${process.version}, load ${loadAverage()})\n`);
    console.log(`${recipients} recipients, number and simulator at ${rate}/s:\n`);
    console.log('| sent | failed | achieved/s | ratio to rate | 130429 at Meta | 130429 share | accepted by Meta | repeated | delivered lag p50 / p99 ms | RSS before → peak → after MB | anonymous RSS before → peak → after MB |');
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    const throttled = sends.refused['130429'] ?? 0;
    console.log(
      `| ${b.sent_count} | ${b.failed_count} | ${achieved.toFixed(1)} | ${(achieved / rate).toFixed(3)} | ${throttled} | ${((100 * throttled) / Math.max(1, sends.accepted + throttled)).toFixed(3)} % | ${sends.accepted} | ${sends.repeated} | ${lag.p50} / ${lag.p99} | ${rssBefore.toFixed(0)} → ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} | ${anonBefore.toFixed(0)} → ${anonPeak.toFixed(0)} → ${anonAfter.toFixed(0)} |`,
    );
    const seconds = (span.last - span.first) / 1000;
    const share = (s: number) => `${s.toFixed(1)} s (${((100 * s) / seconds).toFixed(0)} % of one core)`;
    console.log(`\nCPU while sending (${seconds.toFixed(1)} s from first to last send): serve ${share(cpu.serve - cpuBefore.serve)}` +
      (run.gateway.worker ? `, worker ${share(cpu.worker - cpuBefore.worker)}` : '') +
      `, simulator ${share(cpu.simulator - cpuBefore.simulator)}` + (pgCpu !== null ? `, PostgreSQL ${share(pgCpu)}` : '') + '.');
  } finally {
    await run.close();
  }
}

async function killing(dialect: BenchDialect, recipients: number): Promise<void> {
  const run = await prepare(dialect, recipients, { BROADCAST_OUTCOME_WAIT_MS: '120000' });
  try {
    // Kill points: random numbers of sent recipients between 5 % and 95 % of the broadcast.
    const points = Array.from({ length: kills }, () => Math.floor(recipients * (0.05 + 0.9 * Math.random()))).sort((a, b) => a - b);
    await send(run);
    const started = performance.now();
    const killedAt: number[] = [];
    for (;;) {
      const sent = await run.probe.sent();
      while (points.length > 0 && sent >= (points[0] as number)) {
        points.shift();
        killedAt.push(sent);
        await run.gateway.crashSender();
      }
      const b = await broadcast(run).catch(() => null); // serve may be restarting
      if (b?.status === 'completed') break;
      if (performance.now() - started > recipients * 100 + 180_000) throw new Error(`the broadcast did not finish: ${JSON.stringify(b)}`);
      await sleep(SAMPLE_MS);
    }
    const b = await broadcast(run);
    const sends = await simulatorTotals(run.simulator);
    const perRecipient = await run.simulator.call<{ data: Array<{ accepted: number }> }>('GET', `/_simulator/sends?phone_number_id=${NUMBER.id}`);
    const twice = perRecipient.data.filter((r) => r.accepted > 1).length;
    const never = recipients - perRecipient.data.filter((r) => r.accepted >= 1).length;
    const failedAtMeta = Object.values(sends.failed).reduce((a, n) => a + n, 0);
    // Status webhooks the simulator gave up on (5 attempts over about 15 s) while serve was down: the proof of those sends never comes.
    const deliveries = await run.simulator.call<{ data: Array<{ outcome: string }> }>('GET', `/_simulator/deliveries?phone_number_id=${NUMBER.id}`);
    const abandoned = deliveries.data.filter((d) => d.outcome === 'failed').length;
    const exact = twice === 0 && never === 0 && b.sent_count === sends.accepted && b.failed_count === failedAtMeta && Number(b.sent_count) + Number(b.failed_count) === recipients;
    console.log(`\n### Broadcast with the sender killed, ${dialect} (${new Date().toISOString()}, node ${process.version}, load ${loadAverage()})\n`);
    console.log(`${recipients} recipients at ${rate}/s, BROADCAST_OUTCOME_WAIT_MS=120000; kill -9 of ${dialect === 'sqlite' ? 'serve' : 'the worker'} after ${killedAt.join(', ')} sent:\n`);
    console.log('| broadcast sent / failed / total | Meta accepted | recipients sent twice | never sent | 130429 | webhook POSTs Meta gave up on | exactly once, counts = Meta |');
    console.log('|---|---:|---:|---:|---:|---:|---|');
    console.log(`| ${b.sent_count} / ${b.failed_count} / ${b.total_recipients} | ${sends.accepted} | ${twice} | ${never} | ${sends.refused['130429'] ?? 0} | ${abandoned} | ${exact ? 'yes' : '**no**'} |`);
    if (!exact) process.exitCode = 1;
  } finally {
    await run.close();
  }
}

/** A database, the simulator, the gateway's processes, a project and number, a template and a drafted broadcast of `recipients`. */
async function prepare(dialect: BenchDialect, recipients: number, extraEnv: Record<string, string>): Promise<Run> {
  const db = dialect === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase(values['postgres-url']);
  // Meta retries an undelivered webhook for days; 15 attempts (about 12 minutes) cover a restart.
  const simulator = await startSimulatorProcess(['--max-mps', String(rate), '--webhook-attempts', '15', '--no-window', '--batch-window-ms', '20', '--batch-max-items', '100', '--delivery-concurrency', '4']);
  const env: GatewayEnv & Record<string, string> = {
    DATABASE_URL: db.url,
    SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdefghijklmnop',
    META_GRAPH_URL: simulator.url,
    SANDBOX: 'false',
    ...extraEnv,
  };
  let gateway: Gateway | null = null;
  let probe: Probe | null = null;
  const close = async () => {
    await gateway?.stop().catch(() => undefined);
    await probe?.close().catch(() => undefined);
    simulator.stop();
    await db.drop();
  };
  try {
    await runCli(['migrate'], env);
    const created = JSON.parse(await runCli(['projects', 'create', '--name', 'broadcast-bench', '--json'], env)) as { project: { id: string }; api_key: string };
    await runCli(['numbers', 'add', '--project', created.project.id, '--phone-number-id', NUMBER.id, '--display-phone-number', NUMBER.display,
      '--waba-id', NUMBER.waba, '--access-token', NUMBER.token, '--app-secret', NUMBER.secret, '--verify-token', 'broadcast-verify', '--json'], env);
    await runCli(['numbers', 'update', '--phone-number-id', NUMBER.id, '--max-messages-per-second', String(rate), '--json'], env);
    gateway = await startGateway(dialect, env);
    await simulator.call('POST', '/_simulator/numbers', {
      phone_number_id: NUMBER.id, display_phone_number: NUMBER.display, waba_id: NUMBER.waba, access_token: NUMBER.token, app_secret: NUMBER.secret,
      webhook_url: `${gateway.serve.baseUrl}/webhooks/whatsapp`,
    });
    const templateId = await approvedTemplate(simulator);
    const run: Run = { db, simulator, gateway, apiKey: created.api_key, broadcastId: '', probe: (probe = await openProbe(db)), close };
    const draft = await platform(run, 'POST', '/broadcasts', { whatsapp_broadcast: { name: 'Bench', phone_number_id: NUMBER.id, whatsapp_template_id: templateId } });
    run.broadcastId = draft.data.id as string;
    for (let i = 0; i < recipients; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, recipients - i) }, (_, k) => ({
        phone_number: `+1415${String(i + k).padStart(7, '0')}`,
        components: [{ type: 'body', parameters: [{ type: 'text', text: `Name${i + k}` }] }],
      }));
      await platform(run, 'POST', `/broadcasts/${run.broadcastId}/recipients`, { whatsapp_broadcast: { recipients: batch } });
    }
    return run;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Serve (and on PostgreSQL one worker, serve's own workers off); a crashed sender comes back on the same port. */
async function startGateway(dialect: BenchDialect, env: GatewayEnv & Record<string, string>): Promise<Gateway> {
  const port = await freePort();
  const serveEnv = dialect === 'postgres' ? { ...env, EMBEDDED_WORKER: 'false' } : env;
  const gateway: Gateway = {
    serve: await startServer(serveEnv, { cpuProfileDir, label: `broadcast-${dialect}-serve`, port }),
    worker: dialect === 'postgres' ? startWorkerProcess(env, cpuProfileDir ? { dir: cpuProfileDir, label: `broadcast-${dialect}-worker` } : null) : null,
    async crashSender() {
      if (gateway.worker) {
        await gateway.worker.kill();
        gateway.worker = startWorkerProcess(env, cpuProfileDir ? { dir: cpuProfileDir, label: `broadcast-${dialect}-worker` } : null);
      } else {
        await gateway.serve.kill();
        gateway.serve = await startServer(serveEnv, { cpuProfileDir, label: `broadcast-${dialect}-serve`, port });
      }
    },
    rssMb: () => gateway.serve.rssMb() + (gateway.worker?.rssMb() ?? 0),
    rssAnonMb: () => gateway.serve.rssAnonMb() + (gateway.worker?.rssAnonMb() ?? 0),
    async stop() {
      await Promise.all([gateway.serve.stop(), gateway.worker?.stop()]);
    },
  };
  return gateway;
}

/** A positional marketing template created through the simulator's Graph API and approved through its control API. */
async function approvedTemplate(simulator: SimulatorProcess): Promise<string> {
  const created = await simulator.call<{ id: string }>('POST', `/v24.0/${NUMBER.waba}/message_templates`, {
    name: 'bench_sale', language: 'en_US', category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hi {{1}}, the sale starts now.', example: { body_text: [['Maya']] } }],
  }, { authorization: `Bearer ${NUMBER.token}` });
  await simulator.call('POST', `/_simulator/templates/${created.id}/status`, { status: 'APPROVED' });
  return created.id;
}

async function send(run: Run): Promise<void> {
  await platform(run, 'POST', `/broadcasts/${run.broadcastId}/send`);
}

async function broadcast(run: Run): Promise<Record<string, unknown>> {
  return (await platform(run, 'GET', `/broadcasts/${run.broadcastId}`)).data;
}

async function platform(run: Run, method: string, path: string, body?: unknown): Promise<{ data: Record<string, unknown> }> {
  const res = await fetch(`${run.gateway.serve.baseUrl}/platform/v1/whatsapp${path}`, {
    method,
    headers: { 'x-api-key': run.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as { data: Record<string, unknown> };
}

async function simulatorTotals(simulator: SimulatorProcess) {
  const { totals } = await simulator.call<{ totals: { recipients: number; accepted: number; repeated: number; refused: Record<string, number>; failed: Record<string, number> } }>(
    'GET', `/_simulator/sends?phone_number_id=${NUMBER.id}`);
  return totals;
}

function cpuOf(run: Run) {
  return { serve: run.gateway.serve.cpuSeconds(), worker: run.gateway.worker?.cpuSeconds() ?? 0, simulator: cpuSecondsOf(run.simulator.pid) };
}

/**
 * Reads counts straight from the database. `stored` is the delivered status events the gateway
 * stored (it stores one before it answers the simulator's webhook), `applied` the recipients whose
 * row shows them delivered.
 */
interface Probe {
  delivered(broadcastId: string): Promise<{ stored: number; applied: number }>;
  sent(): Promise<number>;
  /** Every delivered status event stored, counted in one (slow) scan: the check on delivered()'s running count. */
  storedInAll(): Promise<number>;
  /** First and last sent_at (ms) over the sent recipients. */
  sentSpan(): Promise<{ first: number; last: number; count: number }>;
  close(): Promise<void>;
}

async function openProbe(db: BenchDatabase): Promise<Probe> {
  let row: (q: string, params?: unknown[]) => Promise<Record<string, number>>;
  let close: () => Promise<void>;
  if (db.dialect === 'sqlite') {
    const sqlite = new SQLite(db.url.slice('sqlite:'.length), { readonly: true });
    sqlite.pragma('busy_timeout = 10000');
    row = async (q, params = []) => mapNumbers(sqlite.prepare(q).get(...params) as Record<string, unknown>);
    close = async () => void sqlite.close();
  } else {
    const url = new URL(db.url);
    const schema = url.searchParams.get('schema') as string;
    url.searchParams.delete('schema');
    const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await client.connect();
    const numbered = (q: string) => {
      let n = 0;
      return q.replace(/\?/g, () => `$${++n}`);
    };
    row = async (q, params = []) => mapNumbers((await client.query(numbered(q), params)).rows[0] as Record<string, unknown>);
    close = () => client.end();
  }
  return {
    delivered: storedAndApplied(row),
    sent: async () => (await row(SENT_SQL)).n as number,
    storedInAll: async () => (await row(STORED_BETWEEN_SQL, [0, Number.MAX_SAFE_INTEGER])).delivered as number,
    sentSpan: async () => (await row(SPAN_SQL)) as { first: number; last: number; count: number },
    close,
  };
}

/**
 * The delivered statuses stored and applied, cheaply enough to read every 200 ms beside the
 * gateway: counting every stored status each time took 0.7 s of PostgreSQL's CPU at 60,000
 * delivered (back to back, at the gateway's expense), and a growing share of a core on SQLite.
 * Stored statuses are counted past a settled seq (one SETTLE_MS old), the ones below it kept as a
 * sum; applied is the broadcast's delivered counter, which moves with the rows.
 */
function storedAndApplied(row: (q: string, params?: unknown[]) => Promise<Record<string, number>>): Probe['delivered'] {
  let floor = 0;
  let belowFloor = 0;
  const tops: Array<{ t: number; top: number }> = [];
  return async (broadcastId) => {
    const now = performance.now();
    const recent = await row(STORED_SINCE_SQL, [floor]);
    const applied = (await row(APPLIED_SQL, [broadcastId])).applied ?? 0;
    const stored = belowFloor + (recent.delivered as number);
    tops.push({ t: now, top: Math.max(floor, recent.top as number) });
    let settled: number | null = null;
    while (tops.length > 0 && (tops[0] as { t: number }).t <= now - SETTLE_MS) settled = (tops.shift() as { top: number }).top;
    if (settled !== null && settled > floor) {
      belowFloor += (await row(STORED_BETWEEN_SQL, [floor, settled])).delivered as number;
      floor = settled;
    }
    return { stored, applied };
  };
}

function mapNumbers(row: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

/**
 * How late the k-th delivered status reaches a recipient row after the gateway stored it: the
 * horizontal distance between the two cumulative curves (stored, applied), sampled every 200 ms,
 * over every k. It assumes statuses are applied in the order they were stored, and its resolution
 * is the sampling interval.
 */
function lagPercentiles(curve: Array<{ t: number; stored: number; applied: number }>): { p50: string; p99: string } {
  const firstTime = (k: number, key: 'stored' | 'applied') => curve.find((s) => s[key] >= k)?.t;
  const last = curve.at(-1)?.applied ?? 0;
  const lags: number[] = [];
  const step = Math.max(1, Math.floor(last / 2000));
  for (let k = 1; k <= last; k += step) {
    const stored = firstTime(k, 'stored');
    const applied = firstTime(k, 'applied');
    if (stored !== undefined && applied !== undefined) lags.push(Math.max(0, applied - stored));
  }
  lags.sort((a, b) => a - b);
  const at = (q: number) => (lags.length === 0 ? 'n/a' : `≤ ${Math.round((lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] as number) + SAMPLE_MS)}`);
  return { p50: at(0.5), p99: at(0.99) };
}

function loadAverage(): string {
  return (loadavg()[0] ?? 0).toFixed(1);
}


// Last, so that every constant above is initialised before the runs start.
const restoreAutovacuum = dialects.includes('postgres') ? await withPostgresAutovacuum(values['postgres-url'], values['postgres-autovacuum'], USAGE) : async () => undefined;
try {
  for (const dialect of dialects) {
    for (const scenario of scenarios) {
      const recipients = values.recipients ? positiveInt('recipients', values.recipients, USAGE) : scenario === 'throughput' ? 100_000 : 20_000;
      if (scenario === 'throughput') await throughput(dialect, recipients);
      else await killing(dialect, recipients);
    }
  }
} finally {
  await restoreAutovacuum();
}
