import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { cursorBinding, readPageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { parseFields } from '../http/fields.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import { assemblePage, buildPaging, pageUrl } from '../http/list-page.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { CONVERSATION_KAPSO_VOCABULARY } from './fields.ts';
import { presentConversation } from './present.ts';
import { getConversationSchema, getNumberConversationSchema, listConversationsSchema, updateConversationSchema } from './schemas.ts';
import { type ConversationKey, findConversation, listConversations } from './store.ts';
import { updateConversationStatus } from './update-status.ts';

const CONVERSATION_KEY = ['int', 'string'] as const;

/** Kapso's conversations: list, get (two paths) and status updates (kapso-api.md §6.2). */
export async function conversationRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { cursors } = deps;

  r.get('/:version/:phoneNumberId/conversations', { schema: listConversationsSchema }, async (request) => {
    const { phoneNumberId } = request.params;
    const q = request.query;
    const selection = parseFields(q.fields, CONVERSATION_KAPSO_VOCABULARY);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const binding = cursorBinding('conversations', request.projectId, phoneNumberId);
    const start = readPageStart<ConversationKey>(cursors, binding, CONVERSATION_KEY, q);
    const filter = { status: q.status, activeSinceMs: q.last_active_since, activeUntilMs: q.last_active_until, waId: q.phone_number, bsuid: q.business_scoped_user_id };
    const rows = await listConversations(db, request.projectId, phoneNumberId, filter, { start, limit: q.limit + 1 });
    const page = assemblePage(rows, q.limit, start);
    return {
      data: page.rows.map((c) => presentConversation(c, selection)),
      paging: buildPaging(
        page,
        (c) => cursors.encode(binding, [c.last_active_at, c.id]),
        (param, cursor) => pageUrl(deps.config.http.publicUrl, request.url, param, cursor),
      ),
    };
  });

  r.get('/:version/conversations/:conversationId', { schema: getConversationSchema }, async (request) => {
    const { conversationId } = request.params;
    const selection = parseFields(request.query.fields, CONVERSATION_KAPSO_VOCABULARY);
    const row = await findConversation(db, request.projectId, conversationId);
    if (!row) throw errors.notFound('conversation', conversationId);
    return presentConversation(row, selection);
  });

  r.get('/:version/:phoneNumberId/conversations/:conversationId', { schema: getNumberConversationSchema }, async (request) => {
    const { phoneNumberId, conversationId } = request.params;
    const selection = parseFields(request.query.fields, CONVERSATION_KAPSO_VOCABULARY);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const row = await findConversation(db, request.projectId, conversationId, phoneNumberId);
    if (!row) throw errors.notFound('conversation', conversationId);
    return presentConversation(row, selection);
  });

  r.patch('/:version/conversations/:conversationId', { schema: updateConversationSchema }, async (request) => {
    const { conversationId } = request.params;
    const conversation = await findConversation(db, request.projectId, conversationId);
    if (!conversation) throw errors.notFound('conversation', conversationId);
    // Idempotent: ending an ended conversation (or reopening an active one) changes nothing.
    await updateConversationStatus(db, request.projectId, conversation, request.body.status, deps.clock.now());
    return { success: true as const };
  });
}
