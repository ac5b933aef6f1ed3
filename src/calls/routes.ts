import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { cursorBinding, readPageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { parseFields } from '../http/fields.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import { assemblePage, buildPaging, pageUrl } from '../http/list-page.ts';
import { isGraphId } from '../graph/graph-path.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { callAction, callPermissions } from './call-actions.ts';
import { presentCall } from './present.ts';
import { callActionSchema, callPermissionsSchema, listCallsSchema } from './schemas.ts';
import { type CallKey, listCalls } from './store.ts';

const CALL_KEY = ['int', 'string'] as const;

/** WhatsApp Calling through the gateway: Meta's calling endpoints and Kapso's call log (kapso-api.md §6.7). */
export async function callRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { cursors } = deps;
  // An id not shaped like Meta's cannot be one of the project's numbers: answered like any unknown one.
  const number = (request: Parameters<typeof requirePhoneNumber>[0], id: string) =>
    isGraphId(id) ? requirePhoneNumber(request, deps.tenants, id) : Promise.reject(errors.notFound('phone number', id));

  r.post('/:version/:phoneNumberId/calls', { schema: callActionSchema }, async (request, reply) => {
    const n = await number(request, request.params.phoneNumberId);
    const answer = await callAction(deps, n, request.params.version, request.body, request.id);
    return reply.code(answer.statusCode).type(answer.contentType ?? 'application/json').send(answer.body);
  });

  r.get('/:version/:phoneNumberId/call_permissions', { schema: callPermissionsSchema }, async (request, reply) => {
    const n = await number(request, request.params.phoneNumberId);
    const answer = await callPermissions(deps, n, request.params.version, request.query, request.id);
    return reply.code(answer.statusCode).type(answer.contentType ?? 'application/json').send(answer.body);
  });

  r.get('/:version/:phoneNumberId/calls', { schema: listCallsSchema }, async (request) => {
    const { phoneNumberId } = request.params;
    const q = request.query;
    parseFields(q.fields); // accepted and ignored: no call extension keys are documented
    await number(request, phoneNumberId);
    const binding = cursorBinding('calls', request.projectId, phoneNumberId);
    const start = readPageStart<CallKey>(cursors, binding, CALL_KEY, q);
    const filter = { direction: q.direction, status: q.status, sinceMs: q.since, untilMs: q.until, callId: q.call_id };
    const rows = await listCalls(db, request.projectId, phoneNumberId, filter, { start, limit: q.limit + 1 });
    const page = assemblePage(rows, q.limit, start);
    return {
      data: page.rows.map((row) => presentCall(row, request.projectId)),
      paging: buildPaging(
        page,
        (c) => cursors.encode(binding, [c.started_at, c.id]),
        (param, cursor) => pageUrl(deps.config.http.publicUrl, request.url, param, cursor),
      ),
    };
  });
}
