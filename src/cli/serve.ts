import { limitHeapGrowth } from '../heap-growth.ts';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { closeDeps, createDeps } from '../create-deps.ts';
import type { Deps } from '../deps.ts';
import { type LifecycleSweep, startLifecycleSweep } from '../conversations/sweep.ts';
import type { RunningSandbox } from '../sandbox/run-sandbox.ts';
import { startIdempotencyPurge } from '../proxy/idempotency-purge.ts';
import { startInboxSendKeyPurge } from '../inbox/send-key-purge.ts';
import { startSignInAttemptPurge } from '../inbox/sign-in-attempts-purge.ts';
import { startRetentionPrune } from '../retention/scheduled-prune.ts';
import { resealLegacySecrets } from '../tenants/reseal-secrets.ts';
import { startMediaWorker } from '../media/embedded.ts';
import type { MediaWorker } from '../media/worker.ts';
import { type BroadcastWorker, startBroadcastWorker } from '../broadcasts/worker.ts';
import { servesEmbeddedWorker, startWorker } from '../outbox/embedded.ts';
import type { OutboxWorker } from '../outbox/worker.ts';
import { claimStore, logStore } from './open-store.ts';
import { listenForMetrics } from '../metrics/server.ts';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * `switchboard serve`: migrate, listen, run the conversation lifecycle sweep, the webhook delivery
 * and media workers (unless EMBEDDED_WORKER=false) and, on the embedded default, the sandbox; on SIGTERM/SIGINT stop accepting
 * connections, let in-flight requests and deliveries finish, stop the sweep and the sandbox, then
 * close the database.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('run the HTTP gateway (migrates the database first)')
    .action(async () => serve());
}

export interface ServeOptions {
  /** Routes added to the app before it listens: only the benchmarks add any (bench/gateway.ts). */
  extendApp?: (app: FastifyInstance) => Promise<void>;
}

/** Runs the gateway until SIGTERM or SIGINT, as `switchboard serve` does. */
export async function serve(options: ServeOptions = {}): Promise<void> {
  limitHeapGrowth();
  const config = loadConfig();
  const store = claimStore(config, { serving: true });
  const deps = createDeps(config, { backgroundCheckpoints: true });
  logStore(deps.log, store);
  const migrated = await migrateToLatest(deps.database);
  if (migrated.length > 0) deps.log.info({ migrated }, 'database migrated');
  await resealLegacySecrets(deps);
  // Imported here so one-shot commands do not load the HTTP stack.
  const { buildApp } = await import('../app.ts');
  const app = await buildApp(deps);
  await options.extendApp?.(app);
  let closing = false;
  let sandbox: RunningSandbox | null = null;
  let sweep: LifecycleSweep | null = null;
  let purge: { stop(): Promise<void> } | null = null;
  let inboxPurge: { stop(): Promise<void> } | null = null;
  let signInPurge: { stop(): Promise<void> } | null = null;
  let retention: { stop(): Promise<void> } | null = null;
  let worker: OutboxWorker | null = null;
  let mediaWorker: MediaWorker | null = null;
  let metricsApp: FastifyInstance | null = null;
  let broadcastWorker: BroadcastWorker | null = null;
  let startup: Promise<unknown> = Promise.resolve();
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    deps.readiness.stopping();
    deps.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      deps.log.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    // A signal during start-up waits for it: closing the database under it would crash.
    await startup.catch(() => undefined);
    await app.close();
    await metricsApp?.close();
    // Deliveries and downloads in flight get what is left of the 10 s; their leases cover the rest.
    await Promise.all([worker?.stop(5_000), mediaWorker?.stop(5_000), broadcastWorker?.stop(5_000)]);
    await sweep?.stop();
    await purge?.stop();
    await inboxPurge?.stop();
    await signInPurge?.stop();
    await retention?.stop();
    await sandbox?.close();
    await closeDeps(deps);
    deps.log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  // /readyz answers 200 only once each of these serves (design.md "Health").
  const embeddedWorker = servesEmbeddedWorker(deps);
  if (!embeddedWorker) deps.log.warn('EMBEDDED_WORKER=false: this process delivers no webhooks, downloads no media and sends no broadcasts; run `switchboard worker` processes for that');
  const retentionDays = config.retention.days;
  deps.readiness.expect('http', 'lifecycle_sweep', ...(retentionDays !== null ? ['retention_prune'] : []), ...(embeddedWorker ? ['outbox_worker', 'media_worker', 'broadcast_worker'] : []));
  if (mayRunSandbox(deps)) deps.readiness.expect('sandbox');
  startup = (async () => {
    // The sandbox's simulator listens and its number points at it before the gateway does.
    sandbox = await startSandboxIfEmbedded(deps);
    if (!sandbox) deps.readiness.forget('sandbox');
    await app.listen({ port: config.http.port, host: config.http.host });
    deps.readiness.ready('http');
    // METRICS_PORT: /metrics on a listener of its own (metrics/server.ts).
    metricsApp = await listenForMetrics(deps);
    deps.log.info({ url: config.http.publicUrl, database: deps.database.dialect, store: store.location.description }, 'switchboard listening');
    // Conversations quiet for CONVERSATION_INACTIVITY_HOURS are ended (kapso-api.md §7.4).
    sweep = startLifecycleSweep(deps, SWEEP_INTERVAL_MS);
    deps.readiness.ready('lifecycle_sweep');
    // Idempotency-Keys past their retention are forgotten (the table would grow forever).
    purge = startIdempotencyPurge(deps, SWEEP_INTERVAL_MS);
    inboxPurge = startInboxSendKeyPurge(deps, SWEEP_INTERVAL_MS);
    signInPurge = startSignInAttemptPurge(deps, SWEEP_INTERVAL_MS);
    // RETENTION_DAYS: history older than that is pruned once an hour, by one serve at a time.
    if (retentionDays !== null) {
      retention = startRetentionPrune(deps, retentionDays);
      deps.readiness.ready('retention_prune');
    }
    if (embeddedWorker) {
      worker = startWorker(deps);
      deps.readiness.ready('outbox_worker');
      mediaWorker = startMediaWorker(deps);
      deps.readiness.ready('media_worker');
      broadcastWorker = startBroadcastWorker(deps);
      deps.readiness.ready('broadcast_worker');
    }
    if (sandbox) {
      await sandbox.keepCustomerWriting();
      deps.readiness.ready('sandbox');
    }
  })();
  await startup;
}

/** The sandbox runs only on a store one process serves (the embedded default) with SANDBOX on. */
function mayRunSandbox(deps: Deps): boolean {
  return deps.database.capabilities.singleServingProcess && deps.config.sandbox;
}

/**
 * On the embedded default (SQLite) with no real number configured, a first start creates the
 * sandbox and every start runs its simulated Meta and prints how to use it (design.md). Once a
 * real number exists in another project the sandbox is retired: its keys are revoked (logged
 * once, on the start that revokes them), its simulator no longer starts, its key is not printed.
 */
async function startSandboxIfEmbedded(deps: Deps): Promise<RunningSandbox | null> {
  const { retireSandboxIfReplaced } = await import('../sandbox/retire.ts');
  const retirement = await retireSandboxIfReplaced(deps);
  if (retirement.revokedKeys > 0) {
    deps.log.info({ projectId: retirement.projectId, revokedKeys: retirement.revokedKeys }, 'sandbox retired: a real phone number is registered, so its API key is revoked and its simulator no longer starts');
  }
  if (retirement.retired || !mayRunSandbox(deps)) return null;
  const { ensureSandbox } = await import('../sandbox/ensure-sandbox.ts');
  const details = await ensureSandbox(deps, { create: true });
  if (!details) return null;
  const { runSandbox } = await import('../sandbox/run-sandbox.ts');
  const { sandboxBanner } = await import('../sandbox/banner.ts');
  const { sandboxSignInUrl } = await import('../sandbox/sandbox-admin.ts');
  const gatewayUrl = `http://127.0.0.1:${deps.config.http.port}`;
  const running = await runSandbox(deps, details, gatewayUrl);
  return { ...running, keepCustomerWriting: async () => {
    await running.keepCustomerWriting();
    // Printed once the gateway listens, so its lines work when they appear.
    console.log(sandboxBanner(details, deps.config.http.publicUrl, running.simulatorUrl, await sandboxSignInUrl(deps, details.project.id)));
  } };
}
