import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/connect.ts';
import { errors } from './errors.ts';
import type { Readiness } from './readiness.ts';

/**
 * `/healthz`: liveness (the process answers). `/readyz`: readiness, 200 only when the database
 * answers and everything `serve` started is serving (http/readiness.ts); else 503 with each check's
 * state beside Meta's error envelope, so a load balancer or a script sees what is not ready.
 */
export async function healthRoutes(app: FastifyInstance, deps: { readiness: Readiness; database: Database }): Promise<void> {
  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    const report = await deps.readiness.report();
    const body = { status: report.status, dialect: deps.database.dialect, checks: report.checks };
    if (report.ready) return body;
    const notReady = Object.entries(report.checks).filter(([, state]) => state !== 'ok').map(([name, state]) => `${name} ${state}`);
    const error = errors.serviceUnavailable(`Not ready: ${notReady.join(', ')}.`);
    return reply.code(503).header('retry-after', '1').send({ ...body, error: error.toBody(request.id) });
  });
}
