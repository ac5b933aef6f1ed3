import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/connect.ts';
import type { Metrics } from './metrics.ts';
import { promClient } from './prom-client.ts';
import { countPendingBroadcastRecipients, countPendingDeliveries, countUndispatchedEvents, countWaitingMedia, oldestUndeliveredEventAt } from './store.ts';

interface ScrapeDeps {
  database: Database;
  clock: Clock;
  log: Logger;
}

/**
 * The gauges whose value is read from the store when /metrics is scraped, rather than kept up to
 * date by every change: the backlogs are shared by every process on the database, so whichever
 * process is scraped reports the same numbers. A failed read keeps the gauge's last value and is
 * counted in switchboard_metrics_store_read_errors_total (and logged) instead of failing the scrape.
 */
export function registerScrapeGauges(metrics: Metrics, deps: ScrapeDeps): void {
  const { Counter, Gauge } = promClient();
  const { db } = deps.database;
  const readErrors = new Counter({
    name: 'switchboard_metrics_store_read_errors_total',
    help: 'Scrapes in which a gauge read from the store could not be read (it kept its last value).',
    labelNames: ['metric'] as const,
    registers: [metrics.registry],
  });
  const storeGauge = (name: string, help: string, read: () => Promise<number>) =>
    new Gauge({
      name,
      help,
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (err) {
          readErrors.inc({ metric: name });
          deps.log.warn({ err, metric: name }, 'metric not read from the store');
        }
      },
    });
  storeGauge('switchboard_outbox_undispatched_events', 'Outbox events written but not yet fanned out into webhook deliveries.', () => countUndispatchedEvents(db));
  storeGauge('switchboard_outbox_pending_deliveries', 'Webhook deliveries waiting: due now, or waiting for a retry.', () => countPendingDeliveries(db));
  storeGauge('switchboard_outbox_oldest_undelivered_event_age_seconds', 'Age of the oldest event not yet delivered to every subscription; 0 when none waits.', async () => {
    const at = await oldestUndeliveredEventAt(db);
    return at === null ? 0 : Math.max(0, (deps.clock.now() - at) / 1000);
  });
  storeGauge('switchboard_media_queue_depth', 'Media files waiting to be downloaded from Meta or a link (queued, due, or waiting for a retry).', () => countWaitingMedia(db));
  storeGauge('switchboard_broadcast_recipients_pending', 'Recipients still to be sent, across the broadcasts that are sending.', () => countPendingBroadcastRecipients(db));

  if (deps.database.poolStats() === null) return;
  new Gauge({
    name: 'switchboard_db_pool_connections',
    help: 'PostgreSQL pool connections, by state: "total" (open) and "idle".',
    labelNames: ['state'] as const,
    registers: [metrics.registry],
    collect() {
      const stats = deps.database.poolStats();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
    },
  });
  new Gauge({
    name: 'switchboard_db_pool_waiting',
    help: 'Queries waiting for a PostgreSQL pool connection.',
    registers: [metrics.registry],
    collect() {
      this.set(deps.database.poolStats()?.waiting ?? 0);
    },
  });
}
