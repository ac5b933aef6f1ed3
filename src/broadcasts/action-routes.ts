import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { parseInstantMs } from '../http/instants.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { changeBroadcastStatus } from './change-status.ts';
import { formatSecond } from './present.ts';
import { actionSchema, scheduleSchema } from './schemas.ts';
import type { BroadcastRow } from '../db/schema.ts';

const BROADCAST = '/platform/v1/whatsapp/broadcasts/:broadcast_id';

/** The partial broadcast send, schedule and cancel answer [R-SEND][R-SCHED][R-CANCEL]. */
function presentTiming(row: BroadcastRow) {
  return { id: row.id, status: row.status, scheduled_at: formatSecond(row.scheduled_at), started_at: formatSecond(row.started_at), completed_at: formatSecond(row.completed_at) };
}

/** An explicit zone is required: "ISO-8601 timestamp with timezone" [R-SCHED]. */
const WITH_ZONE = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Send (T1), schedule (T2) and cancel (T4), kapso-broadcasts.md §5.8–§5.10. Send only moves the
 * broadcast to `sending` with `started_at`; its recipients stay `pending` for the broadcast
 * worker, which claims them per number (docs/broadcasts.md). Hence 202.
 */
export async function actionRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(`${BROADCAST}/send`, { schema: actionSchema }, async (request, reply) => {
    const row = await changeBroadcastStatus(deps, request.projectId, request.params.broadcast_id, 'send');
    return reply.code(202).send({ data: presentTiming(row) });
  });

  r.post(`${BROADCAST}/schedule`, { schema: scheduleSchema }, async (request, reply) => {
    const raw = request.body.scheduled_at;
    const at = WITH_ZONE.test(raw.trim()) ? parseInstantMs(raw) : null;
    if (at === null) throw kapsoErrors.unprocessable('Invalid scheduled_at', 'scheduled_at must be an ISO-8601 timestamp with a timezone, e.g. 2025-10-12T17:00:00Z.');
    if (at <= deps.clock.now()) throw kapsoErrors.unprocessable('scheduled_at must be in the future', `${raw} is not after the current time.`);
    const row = await changeBroadcastStatus(deps, request.projectId, request.params.broadcast_id, 'schedule', at);
    return reply.code(202).send({ data: presentTiming(row) });
  });

  r.post(`${BROADCAST}/cancel`, { schema: actionSchema }, async (request) => {
    const row = await changeBroadcastStatus(deps, request.projectId, request.params.broadcast_id, 'cancel');
    return { data: presentTiming(row) };
  });
}
