import { type BareReport, bareRunsOf, benchBare, sampleProductBodies } from './bare-ceiling.ts';
import type { GenerationTiming } from './database.ts';
import { type Dataset, planDataset } from './dataset.ts';
import type { RunResult } from './load.ts';
import { progress, runLoads } from './load-runs.ts';
import type { BenchDialect, BenchOptions, RunName } from './options.ts';
import { createPostgresDatabase } from './postgres-database.ts';
import { type ServerProcess, startServer } from './processes.ts';
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
  /** The bare server's runs on the same database after the gateway's (null: not run, see --bare). */
  bare: BareReport | null;
}

/**
 * Creates a fresh database, fills it, serves it from a child process, runs the loads; and the bare
 * server's on the same database (bare-ceiling.ts), after them or before (`--bare first|last`);
 * cleans up.
 */
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
    const label = `server-${dialect}`;
    let server = await startServer(env, { cpuProfileDir: options.cpuProfileDir, label });
    const runs: DialectReport['runs'] = {};
    let bodyBytes = { get: 0, fixed: 0 };
    const rssAtStartMb = server.rssMb();
    let failure: string | null = null;
    let serverExitCode: number | null = null;
    let productBodies: Map<string, string> | null = null;
    let bare: BareReport | null = null;
    try {
      bodyBytes = await probe(server, tenant, dataset);
      // Sampled from the generated history, which the loads leave as it is: the same either order.
      if (bareRunsOf(options).length > 0) productBodies = await sampleProductBodies(server, tenant, dataset);
      if (productBodies && options.bare === 'first') {
        // The gateway steps aside while the bare runs: the two never share the cores or the database.
        serverExitCode = await server.stop();
        bare = await benchBare(db, env, tenant, dataset, options, productBodies);
        server = await startServer(env, { cpuProfileDir: options.cpuProfileDir, label });
      }
      await runLoads(server, db, tenant, dataset, options, options.runs, runs);
    } catch (err) {
      failure = (err as Error).message;
      console.error(`${dialect}: load runs stopped: ${(err as Error).stack ?? String(err)}`);
    } finally {
      serverExitCode = await server.stop();
    }
    if (productBodies && options.bare === 'last') bare = await benchBare(db, env, tenant, dataset, options, productBodies);
    return { dialect, messages: options.messages, customers: dataset.customers, generation, bodyBytes, rssAtStartMb, runs, failure, serverExitCode, bare };
  } finally {
    await db.drop();
  }
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
