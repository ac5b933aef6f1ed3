import type { BenchDatabase } from './database.ts';
import type { Dataset } from './dataset.ts';
import { checkIngest, settledMessageCount } from './ingest-check.ts';
import { type LoadSettings, measure, repeatWhileDisturbed, type RunResult } from './load.ts';
import type { BenchDialect, BenchOptions, RunName } from './options.ts';
import { type ServerProcess, sleep } from './processes.ts';
import { fixedJsonRequests, ingestRequests, messageByIdRequests, newLedger, type ReadTarget } from './scenarios.ts';
import type { BenchTenant } from './setup.ts';

/**
 * Runs each of `names` in turn against `server` (the gateway, or the bare server with `prefix`
 * `bare ` in its labels), filling `runs` as they complete.
 */
export async function runLoads(
  server: ServerProcess,
  db: BenchDatabase,
  tenant: BenchTenant,
  dataset: Dataset,
  options: BenchOptions,
  names: readonly RunName[],
  runs: Partial<Record<RunName, RunResult>>,
  prefix = '',
): Promise<void> {
  const settings: LoadSettings = {
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    usesPostgres: db.dialect === 'postgres',
  };
  const read: ReadTarget = { phoneNumberId: tenant.number.phoneNumberId, apiKey: tenant.apiKey, wamids: dataset.wamids };
  const dialect = db.dialect;
  for (const name of names) {
    progress(dialect, `run ${prefix}${name}: ${settings.warmupSeconds} s warm-up + ${settings.durationSeconds} s…`);
    runs[name] = await repeatWhileDisturbed(() => {
      if (name === 'fixed') return measure(server, settings, 'fixed JSON', { warmup: () => fixedJsonRequests(read), measure: () => fixedJsonRequests(read) }, null);
      if (name === 'get') return measure(server, settings, `${prefix}GET by id`, { warmup: () => messageByIdRequests(read), measure: () => messageByIdRequests(read) }, null);
      return measureIngest(server, db, tenant, dataset, settings, name === 'ingest1' ? 1 : 50, prefix);
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
  prefix: string,
): Promise<RunResult> {
  const target = { number: tenant.number, appSecret: tenant.appSecret, customers: dataset.customers };
  const ledger = newLedger();
  let countBefore = 0;
  const result = await measure(
    server,
    settings,
    `${prefix}ingest ${perPayload}/payload`,
    { warmup: () => ingestRequests(target, perPayload, newLedger()), measure: () => ingestRequests(target, perPayload, ledger) },
    perPayload,
    async () => {
      countBefore = await settledMessageCount(db, server);
    },
  );
  const check = await checkIngest(db, server, tenant.number.phoneNumberId, countBefore, ledger, perPayload);
  return { ...result, check: check.text, checkPassed: check.passed && result.non2xx === 0 && result.errors === 0 && ledger.acknowledged.length > 0 };
}

export function progress(dialect: BenchDialect, text: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${dialect}: ${text}`);
}
