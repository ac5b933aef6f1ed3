import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { errors } from '../http/errors.ts';
import type { Metrics } from './metrics.ts';

/**
 * `GET /metrics`: the process's metrics in Prometheus's text format. Registered only where it is
 * served (metricsServedOnApiPort, or the listener of server.ts); when METRICS_TOKEN is set, only a
 * request bearing it is answered, others get 401 in Meta's envelope.
 */
export async function metricsRoutes(app: FastifyInstance, deps: { metrics: Metrics; config: Config }): Promise<void> {
  const expected = deps.config.metrics.token === undefined ? null : digest(deps.config.metrics.token);
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (expected && !bears(request.headers.authorization, expected)) throw errors.metricsUnauthenticated();
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).header('cache-control', 'no-store').send(body);
  });
}

/** Whether the API port serves /metrics: when a token guards it and no port of its own is set. */
export function metricsServedOnApiPort(config: Config): boolean {
  return config.metrics.token !== undefined && config.metrics.port === undefined;
}

/** Compares digests of equal length, so neither the token's length nor its bytes leak through timing. */
function bears(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+)\s*$/i.exec(header ?? '');
  return match !== null && timingSafeEqual(digest(match[1] as string), expected);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
