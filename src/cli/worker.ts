import { limitHeapGrowth } from '../heap-growth.ts';
import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { closeDeps, createDeps } from '../create-deps.ts';
import { startMediaWorker } from '../media/embedded.ts';
import { startBroadcastWorker } from '../broadcasts/worker.ts';
import { startWorker } from '../outbox/embedded.ts';
import { resealLegacySecrets } from '../tenants/reseal-secrets.ts';
import { claimStore, logStore } from './open-store.ts';
import { listenForMetrics } from '../metrics/server.ts';

/** Requests in flight get this long to finish on SIGTERM; their leases cover anything left. */
const DRAIN_MS = 10_000;

/**
 * `switchboard worker`: a delivery, media and broadcast worker process (design.md "Processes"), beside the one
 * each `serve` embeds. Run any number of them against one PostgreSQL database (on SQLite, one serving
 * process per file: see db/sqlite-lock.ts); they share the work through `skip locked` claims. On
 * SIGTERM/SIGINT a worker stops claiming, lets deliveries, downloads and sends in flight finish, then exits.
 */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('deliver webhooks, download media and send broadcasts (serve embeds one; add several on PostgreSQL)')
    .action(async () => {
      limitHeapGrowth();
      // A worker's writes may be lost in a PostgreSQL crash without losing an event (at worst one
      // is delivered again): its commits need not wait for the WAL flush.
      const config = loadConfig();
      const store = claimStore(config, { serving: true });
      const deps = createDeps(config, { relaxedCommits: true, backgroundCheckpoints: true });
      logStore(deps.log, store);
      await migrateToLatest(deps.database);
      await resealLegacySecrets(deps);
      const worker = startWorker(deps);
      const mediaWorker = startMediaWorker(deps);
      const broadcastWorker = startBroadcastWorker(deps);
      // A worker has no API port: METRICS_PORT is the only way to scrape it.
      const metricsApp = await listenForMetrics(deps);
      if (!metricsApp && config.metrics.token) deps.log.warn('METRICS_TOKEN is set but a worker serves /metrics only on METRICS_PORT: this worker is not scrapeable');
      deps.log.info({ worker: worker.workerId, mediaWorker: mediaWorker.workerId, broadcastWorker: broadcastWorker.workerId, database: deps.database.dialect }, 'webhook, media and broadcast worker started');
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        deps.log.info({ signal }, 'worker stopping: draining deliveries in flight');
        await metricsApp?.close();
        await Promise.all([worker.stop(DRAIN_MS), mediaWorker.stop(DRAIN_MS), broadcastWorker.stop(DRAIN_MS)]);
        await closeDeps(deps);
        deps.log.info('worker stopped');
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
}
