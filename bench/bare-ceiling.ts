import type { BenchDatabase } from './database.ts';
import type { Dataset } from './dataset.ts';
import type { RunResult } from './load.ts';
import { progress, runLoads } from './load-runs.ts';
import type { BenchOptions, RunName } from './options.ts';
import { type GatewayEnv, type ServerProcess, startServer } from './processes.ts';
import type { BenchTenant } from './setup.ts';

/** The bare server's side of one dialect's bench (issue 23 §1): the same loads on the same database. */
export interface BareReport {
  runs: Partial<Record<RunName, RunResult>>;
  /** The self-check before any load: the bare's GET bodies against the product's. */
  sameJson: string;
  rssAtStartMb: number;
  /** Why the bare's runs stopped (the runs done before are kept), or null. */
  failure: string | null;
  exitCode: number | null;
  /** Whether it ran before the gateway's loads (`--bare first`) rather than after them. */
  ranFirst: boolean;
}

/** Messages whose GET body the bare must answer as the product did. */
const SAMPLE_SIZE = 20;

/** The runs the bare also does: all but the fixed-JSON route, which is the framework's own ceiling. */
export function bareRunsOf(options: BenchOptions): RunName[] {
  return options.bare !== 'without' ? options.runs.filter((name) => name !== 'fixed') : [];
}

/** The product's GET bodies for a sample of stored messages, read before the gateway stops. */
export async function sampleProductBodies(gateway: ServerProcess, tenant: BenchTenant, dataset: Dataset): Promise<Map<string, string>> {
  const step = Math.max(1, Math.floor(dataset.wamids.length / SAMPLE_SIZE));
  const wamids = dataset.wamids.filter((_, i) => i % step === 0).slice(0, SAMPLE_SIZE);
  const bodies = new Map<string, string>();
  for (const wamid of wamids) bodies.set(wamid, await getBody(gateway, tenant, wamid));
  return bodies;
}

/**
 * Starts the bare server on the database the gateway has just left, proves that it answers the
 * product's JSON for the sample, then runs the same loads against it (fresh wamids, as for the
 * product), and stops it.
 */
export async function benchBare(
  db: BenchDatabase,
  env: GatewayEnv,
  tenant: BenchTenant,
  dataset: Dataset,
  options: BenchOptions,
  productBodies: ReadonlyMap<string, string>,
): Promise<BareReport> {
  const server = await startServer(env, { cpuProfileDir: options.cpuProfileDir, label: `bare-${db.dialect}`, bare: { appSecret: tenant.appSecret } });
  const report: BareReport = { runs: {}, sameJson: 'not checked', rssAtStartMb: server.rssMb(), failure: null, exitCode: null, ranFirst: options.bare === 'first' };
  try {
    const differing: string[] = [];
    for (const [wamid, body] of productBodies) if (canonical(await getBody(server, tenant, wamid)) !== canonical(body)) differing.push(wamid);
    report.sameJson = `${productBodies.size - differing.length}/${productBodies.size} sampled GET bodies equal the product's (keys sorted)`;
    progress(db.dialect, `bare server: ${report.sameJson}`);
    if (differing.length > 0) {
      const wamid = differing[0] as string;
      throw new Error(`the bare server's JSON differs from the product's, e.g. ${wamid}:\nproduct ${productBodies.get(wamid)}\nbare    ${await getBody(server, tenant, wamid)}`);
    }
    await runLoads(server, db, tenant, dataset, options, bareRunsOf(options), report.runs, 'bare ');
  } catch (err) {
    report.failure = (err as Error).message;
    console.error(`${db.dialect}: bare runs stopped: ${(err as Error).stack ?? String(err)}`);
  } finally {
    report.exitCode = await server.stop();
  }
  const marked = await db.markEventsDispatched();
  progress(db.dialect, `bare server: its ${marked.toLocaleString('en-US')} outbox events marked dispatched (it does not fan out)`);
  return report;
}

async function getBody(server: ServerProcess, tenant: BenchTenant, wamid: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/v24.0/${tenant.number.phoneNumberId}/messages/${encodeURIComponent(wamid)}`, { headers: { 'X-API-Key': tenant.apiKey } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${wamid}: ${res.status} ${body.slice(0, 300)}`);
  return body;
}

/** JSON text with every object's keys sorted: the two sides may order keys differently. */
function canonical(json: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sort(v)]));
  };
  return JSON.stringify(sort(JSON.parse(json)));
}
