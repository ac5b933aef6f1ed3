import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { documentedOnly } from './documented-only.ts';
import { errorEnvelopeSchema } from './error-envelope.ts';
import type { Database } from '../db/connect.ts';
import { errors } from './errors.ts';
import type { Readiness } from './readiness.ts';

/**
 * `/healthz`: liveness (the process answers). `/readyz`: readiness, 200 only when the database
 * answers, the media store can keep files and everything `serve` started is serving
 * (http/readiness.ts); else 503 with each check's state beside Meta's error envelope, so a load
 * balancer or a script sees what is not ready.
 */
const readiness = z.object({
  status: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
  checks: z
    .record(z.string(), z.string())
    .meta({
      description:
        "Each check's state: `ok` or what is wrong. `database` (`ok`, `unreachable`) and `media_store` (`ok`, `not writable`, `not a folder`, `unreadable`, `bucket not found`, `access denied`, `unreachable`) always; then each component `serve` started (`http`, `lifecycle_sweep`, `outbox_worker`, `media_worker`, `broadcast_worker`, `sandbox`): `ok`, `starting` or `stopping`.",
    }),
});
const healthSchema = { response: { 200: documentedOnly(z.object({ status: z.literal('ok') })) } };
const readySchema = {
  response: {
    200: documentedOnly(readiness.meta({ description: 'Ready: the database answers, the media store can keep files and everything `serve` started is serving.' })),
    503: documentedOnly(readiness.extend({ error: errorEnvelopeSchema.shape.error }).meta({ description: 'Not ready (Retry-After: 1): each check\'s state beside the error envelope.' })),
  },
};

export async function healthRoutes(app: FastifyInstance, deps: { readiness: Readiness; database: Database }): Promise<void> {
  app.get('/healthz', { logLevel: 'warn', schema: healthSchema }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn', schema: readySchema }, async (request, reply) => {
    const report = await deps.readiness.report();
    const body = { status: report.status, dialect: deps.database.dialect, checks: report.checks };
    if (report.ready) return body;
    const notReady = Object.entries(report.checks).filter(([, state]) => state !== 'ok').map(([name, state]) => `${name} ${state}`);
    const error = errors.serviceUnavailable(`Not ready: ${notReady.join(', ')}.`);
    return reply.code(503).header('retry-after', '1').send({ ...body, error: error.toBody(request.id) });
  });
}
