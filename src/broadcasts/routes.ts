import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { authenticate, type KeyLookup } from '../http/auth.ts';
import { parseInstantMs } from '../http/instants.ts';
import { installKapsoErrorHandler, kapsoErrors } from '../http/kapso-errors.ts';
import { actionRoutes } from './action-routes.ts';
import { changeBroadcastStatus } from './change-status.ts';
import { createBroadcast } from './create-broadcast.ts';
import { pageMeta } from './paging.ts';
import { presentBroadcast } from './present.ts';
import { recipientRoutes } from './recipient-routes.ts';
import { createBroadcastSchema, getBroadcastSchema, listBroadcastsSchema, patchBroadcastSchema } from './schemas.ts';
import { countBroadcasts, findBroadcast, listBroadcastsPage } from './store.ts';
import { suppressionRoutes } from './suppression-routes.ts';

export const BROADCASTS = '/platform/v1/whatsapp/broadcasts';
export const BROADCAST = `${BROADCASTS}/:broadcast_id`;

/**
 * Kapso's Broadcasts Platform API (kapso-broadcasts.md §5) and the suppression list, in a scope
 * of their own: the same project key as every Platform route, and Kapso's `{"error": …}` body
 * (§6.2), which Kapso's broadcast clients read, instead of Meta's envelope.
 */
export async function broadcastRoutes(app: FastifyInstance, deps: Deps & { tenants: KeyLookup }): Promise<void> {
  installKapsoErrorHandler(app);
  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request) => {
    request.projectId = await authenticate(request, deps.tenants);
  });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get(BROADCASTS, { schema: listBroadcastsSchema }, async (request) => {
    const q = request.query;
    const filter = { phoneNumberId: q.phone_number_id, status: q.status, createdAfter: instantOrRefuse('created_after', q.created_after), createdBefore: instantOrRefuse('created_before', q.created_before) };
    const total = await countBroadcasts(db, request.projectId, filter);
    const rows = total === 0 ? [] : await listBroadcastsPage(db, request.projectId, filter, (q.page - 1) * q.per_page, q.per_page);
    return { data: rows.map(presentBroadcast), meta: pageMeta(q.page, q.per_page, total) };
  });

  r.post(BROADCASTS, { schema: createBroadcastSchema }, async (request, reply) => {
    const b = request.body.whatsapp_broadcast;
    const row = await createBroadcast(deps, request.projectId, { name: b.name, phoneNumberId: b.phone_number_id, templateId: b.whatsapp_template_id, requestId: request.id });
    return reply.code(201).send({ data: presentBroadcast(row) });
  });

  r.get(BROADCAST, { schema: getBroadcastSchema }, async (request) => {
    const row = await findBroadcast(db, request.projectId, request.params.broadcast_id);
    if (!row) throw kapsoErrors.notFound('Broadcast');
    return { data: presentBroadcast(row) };
  });

  // §5.4: stop (T7) or un-schedule (T5), the only two values.
  r.patch(BROADCAST, { schema: patchBroadcastSchema }, async (request) => {
    const operation = request.body.whatsapp_broadcast.status === 'stopped' ? 'stop' : 'unschedule';
    return { data: presentBroadcast(await changeBroadcastStatus(deps, request.projectId, request.params.broadcast_id, operation)) };
  });

  await recipientRoutes(app, deps);
  await actionRoutes(app, deps);
  await suppressionRoutes(app, deps);
}

function instantOrRefuse(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseInstantMs(raw);
  if (ms === null) throw kapsoErrors.unprocessable('Invalid parameters', `${name} must be an ISO-8601 date-time.`);
  return ms;
}
