import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { closeConnectionsOnDrain } from '../http/close-connections-on-drain.ts';
import { installErrorHandler } from '../http/error-handler.ts';
import type { Metrics } from './metrics.ts';
import { metricsRoutes } from './routes.ts';

interface MetricsServerDeps {
  metrics: Metrics;
  config: Config;
  log: Logger;
}

/**
 * The listener of METRICS_PORT: `/metrics` alone (still behind METRICS_TOKEN when one is set), so
 * that the scrape can be kept off the API's port and network, and so that `switchboard worker`,
 * which has no API, is scraped too. Built without listening; cli/ listens.
 */
export async function buildMetricsApp(deps: MetricsServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ listener: 'metrics' }) as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    connectionTimeout: 30_000,
    bodyLimit: 1024,
    return503OnClosing: true,
  });
  installErrorHandler(app);
  closeConnectionsOnDrain(app);
  await app.register(async (scope) => metricsRoutes(scope, deps));
  return app;
}

/** Starts the METRICS_PORT listener when one is configured; returns it (to close) or null. */
export async function listenForMetrics(deps: MetricsServerDeps): Promise<FastifyInstance | null> {
  const { port, host } = deps.config.metrics;
  if (port === undefined) return null;
  const app = await buildMetricsApp(deps);
  await app.listen({ port, host });
  deps.log.info({ url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics` }, 'metrics listening');
  return app;
}
