import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { addRecipients, type RecipientInput } from './add-recipients.ts';
import { changeBroadcastStatus } from './change-status.ts';
import { pageMeta } from './paging.ts';
import { presentBroadcast, presentRecipient } from './present.ts';
import { listRecipientsPage } from './recipient-store.ts';
import { addRecipientsSchema, listRecipientsSchema } from './schemas.ts';
import { findBroadcast } from './store.ts';
import { oneBroadcastSchema } from './response-schemas.ts';

const RECIPIENTS = '/platform/v1/whatsapp/broadcasts/:broadcast_id/recipients';
/**
 * 1,000 recipients with a few long variables each (1,024 characters a text parameter) pass the
 * app's 1 MB body limit; this call is allowed 4 MB, about 4 KB a recipient.
 */
const ADD_RECIPIENTS_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** List, add and clear a broadcast's recipients (kapso-broadcasts.md §5.5–§5.7). */
export async function recipientRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get(RECIPIENTS, { schema: listRecipientsSchema }, async (request) => {
    const { page, per_page: perPage } = request.query;
    const broadcast = await findBroadcast(db, request.projectId, request.params.broadcast_id);
    if (!broadcast) throw kapsoErrors.notFound('Broadcast');
    const rows = broadcast.total_recipients === 0 ? [] : await listRecipientsPage(db, broadcast.id, (page - 1) * perPage, perPage);
    return { data: rows.map(presentRecipient), meta: pageMeta(page, perPage, broadcast.total_recipients) };
  });

  r.post(RECIPIENTS, { schema: addRecipientsSchema, bodyLimit: ADD_RECIPIENTS_BODY_LIMIT_BYTES }, async (request, reply) => {
    const broadcast = await findBroadcast(db, request.projectId, request.params.broadcast_id);
    if (!broadcast) throw kapsoErrors.notFound('Broadcast');
    const result = await addRecipients(deps, broadcast, request.body.whatsapp_broadcast.recipients as RecipientInput[]);
    return reply.code(201).send({ data: result });
  });

  r.delete(RECIPIENTS, { schema: { params: listRecipientsSchema.params, response: { 200: oneBroadcastSchema } } }, async (request) => {
    const row = await changeBroadcastStatus(deps, request.projectId, request.params.broadcast_id, 'clear_recipients');
    return { data: presentBroadcast(row) };
  });
}
