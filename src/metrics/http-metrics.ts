import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.ts';

interface RequestSeries {
  count: { inc(): void };
  duration: { observe(seconds: number): void };
}

/**
 * Counts every answered request and its duration, by route pattern (`/:version/:phoneNumberId/messages`,
 * never the URL itself, whose ids would make a series per message), method and status. A GET costs
 * about 100 µs of CPU, so the hook does no label hashing per request: each series' children are
 * looked up once and kept by a plain string key.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  const series = new Map<string, RequestSeries>();
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched paths (404s) share one series: their URLs are whatever a scanner sends.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const key = `${request.method} ${status} ${route}`;
    let s = series.get(key);
    if (!s) {
      const labels = { route, method: request.method, status: String(status) };
      s = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      series.set(key, s);
    }
    s.count.inc();
    s.duration.observe(reply.elapsedTime / 1000);
    done();
  });
}
