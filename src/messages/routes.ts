import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { parseFields, wantsKapsoField } from '../http/fields.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { presentMessage } from './present.ts';
import { findMessage, listStatuses } from './store.ts';

const getMessageSchema = {
  params: z.object({
    version: z.string(),
    phoneNumberId: z.string().min(1).max(64),
    messageId: z.string().min(1).max(512),
  }),
  querystring: z.object({ fields: z.string().optional() }).loose(),
};

/** Stored messages, read back in Kapso's shape (kapso-api.md §6.1.4). */
export async function messageRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get('/:version/:phoneNumberId/messages/:messageId', { schema: getMessageSchema }, async (request) => {
    const { phoneNumberId, messageId } = request.params;
    const selection = parseFields(request.query.fields);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const row = await findMessage(db, request.projectId, phoneNumberId, messageId);
    if (!row) throw errors.notFound('message', messageId);
    // The history costs a query; read it only when the caller asked for `kapso.statuses`.
    const statuses = wantsKapsoField(selection.kapso, 'statuses') ? await listStatuses(db, phoneNumberId, messageId) : [];
    return presentMessage(row, statuses, selection);
  });
}
