import type { BenchDatabase, GenerationTiming } from './database.ts';
import { type Dataset, planDataset } from './dataset.ts';
import { checkIngest, settledMessageCount } from './ingest-check.ts';
import { type LoadSettings, measure, repeatWhileDisturbed, type RunResult } from './load.ts';
import type { BenchDialect, BenchOptions, RunName } from './options.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { type ServerProcess, sleep, startServer } from './processes.ts';
import { fixedJsonRequests, ingestRequests, messageByIdRequests, newLedger, type ReadTarget } from './scenarios.ts';
import { type BenchTenant, createTenant, gatewayEnv } from './setup.ts';
import { createSqliteDatabase } from './sqlite-database.ts';

/** Everything measured on one dialect. */
export interface DialectReport {
  dialect: BenchDialect;
  messages: number;
  customers: number;
  generation: GenerationTiming;
  /** Bytes of one GET-by-id response body and of the fixed JSON body. */
  bodyBytes: { get: number; fixed: number };
  rssAtStartMb: number;
  runs: Partial<Record<RunName, RunResult>>;
  /** Why the load runs stopped early (the runs done before are kept), or null. */
  failure: string | null;
  serverExitCode: number | null;
}

/** Creates a fresh database, fills it, serves it from a child process, runs the loads, cleans up. */
export async function benchDialect(dialect: BenchDialect, options: BenchOptions): Promise<DialectReport> {
  const db = dialect === 'sqlite' ? createSqliteDatabase() : createPostgresDatabase(options.postgresUrl);
  try {
    const env = gatewayEnv(db);
    const tenant = await createTenant(env);
    await db.open();
    if (options.searchIndex === 'without') {
      await db.dropSearchIndex();
      progress(dialect, 'full-text search index of messages dropped (--search-index without)');
    }
    progress(dialect, `generating ${options.messages.toLocaleString('en-US')} messages…`);
    const dataset = planDataset(tenant.number.phoneNumberId, options.messages, options.customers);
    const generation = await db.generate(dataset);
    progress(dialect, `generated in ${generation.insertSeconds.toFixed(1)} s (+ ${generation.settleSeconds.toFixed(1)} s settling)`);
    const server = await startServer(env, { cpuProfileDir: options.cpuProfileDir, label: `server-${dialect}` });
    const runs: DialectReport['runs'] = {};
    let bodyBytes = { get: 0, fixed: 0 };
    const rssAtStartMb = server.rssMb();
    let failure: string | null = null;
    let serverExitCode: number | null = null;
    try {
      bodyBytes = await probe(server, tenant, dataset);
      await runLoads(server, db, tenant, dataset, options, runs);
    } catch (err) {
      failure = (err as Error).message;
      console.error(`${dialect}: load runs stopped: ${(err as Error).stack ?? String(err)}`);
    } finally {
      serverExitCode = await server.stop();
    }
    return { dialect, messages: options.messages, customers: dataset.customers, generation, bodyBytes, rssAtStartMb, runs, failure, serverExitCode };
  } finally {
    await db.drop();
  }
}

/** Runs each selected load in turn, filling `runs` as they complete. */
async function runLoads(
  server: ServerProcess,
  db: BenchDatabase,
  tenant: BenchTenant,
  dataset: Dataset,
  options: BenchOptions,
  runs: DialectReport['runs'],
): Promise<void> {
  const settings: LoadSettings = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    usesPostgres: db.dialect === 'postgres',
  };
  const read: ReadTarget = { phoneNumberId: tenant.number.phoneNumberId, apiKey: tenant.apiKey, wamids: dataset.wamids };
  const dialect = db.dialect;
  for (const name of options.runs) {
    progress(dialect, `run ${name}: ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s…`);
    runs[name] = await repeatWhileDisturbed(() => {
      if (name === 'fixed') return measure(server, settings, 'fixed JSON', { warmup: () => fixedJsonRequests(read), measure: () => fixedJsonRequests(read) }, null);
      if (name === 'get') return measure(server, settings, 'GET by id', { warmup: () => messageByIdRequests(read), measure: () => messageByIdRequests(read) }, null);
      return measureIngest(server, db, tenant, dataset, settings, name === 'ingest1' ? 1 : 50);
    });
    const run = runs[name];
    progress(dialect, `  ${Math.round(run?.requestsPerSecond ?? 0)} req/s, p99 ${run?.latencyP99Ms} ms, RSS ${Math.round(run?.rssMb ?? 0)} MB${run?.check ? `, ${run.check}` : ''}`);
    await sleep(1000);
  }
}

async function measureIngest(
  server: ServerProcess,
  db: BenchDatabase,
  tenant: BenchTenant,
  dataset: Dataset,
  settings: LoadSettings,
  perPayload: number,
): Promise<RunResult> {
  const target = { number: tenant.number, appSecret: tenant.appSecret, customers: dataset.customers };
  const ledger = newLedger();
  let countBefore = 0;
  const result = await measure(
    server,
    settings,
    `ingest ${perPayload}/payload`,
    { warmup: () => ingestRequests(target, perPayload, newLedger()), measure: () => ingestRequests(target, perPayload, ledger) },
    perPayload,
    async () => {
      countBefore = await settledMessageCount(db, server);
    },
  );
  const check = await checkIngest(db, server, tenant.number.phoneNumberId, countBefore, ledger, perPayload);
  return { ...result, check: check.text, checkPassed: check.passed && result.non2xx === 0 && result.errors === 0 && ledger.acknowledged.length > 0 };
}

/** One request of each read kind before loading: both must answer 200, and their sizes are reported. */
async function probe(server: ServerProcess, tenant: BenchTenant, dataset: Dataset): Promise<{ get: number; fixed: number }> {
  const headers = { 'X-API-Key': tenant.apiKey };
  const get = await fetch(`${server.baseUrl}/v24.0/${tenant.number.phoneNumberId}/messages/${dataset.wamids[0]}`, { headers });
  const fixed = await fetch(`${server.baseUrl}/_bench/fixed`, { headers });
  const [getBody, fixedBody] = [await get.text(), await fixed.text()];
  if (get.status !== 200 || fixed.status !== 200) {
    throw new Error(`probe failed: GET by id ${get.status} ${getBody.slice(0, 300)}; fixed ${fixed.status}`);
  }
  return { get: Buffer.byteLength(getBody), fixed: Buffer.byteLength(fixedBody) };
}

function progress(dialect: BenchDialect, text: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${dialect}: ${text}`);
}
