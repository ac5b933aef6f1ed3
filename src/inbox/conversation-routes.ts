import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { updateConversationStatus } from '../conversations/update-status.ts';
import { errors } from '../http/errors.ts';
import { assignConversation } from './assign-conversation.ts';
import { findConversationRef } from './conversation-store.ts';
import { listInboxConversations } from './list-conversations.ts';
import { loadInboxConversation } from './load-conversation.ts';
import { markConversationRead } from './read-markers-store.ts';
import { conversationParams, listConversationsQuery, updateConversationBody } from './schemas.ts';

/** The conversation list, one conversation, its status and assignee, and this member's read marker (docs/inbox-api.md). */
export async function inboxConversationRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get('/inbox/api/conversations', { schema: { querystring: listConversationsQuery } }, async (request) => {
    const q = request.query;
    const filter = { status: q.status, assigned: q.assigned, phoneNumberId: q.phone_number_id };
    return listInboxConversations(deps, request.member, filter, { cursor: q.cursor, limit: q.limit });
  });

  r.get('/inbox/api/conversations/:id', { schema: { params: conversationParams } }, async (request) => {
    const { userId, projectId } = request.member;
    const conversation = await loadInboxConversation(db, projectId, userId, request.params.id);
    if (!conversation) throw errors.notFound('conversation', request.params.id);
    return conversation;
  });

  r.patch('/inbox/api/conversations/:id', { schema: { params: conversationParams, body: updateConversationBody } }, async (request) => {
    const { userId, projectId } = request.member;
    const { status, assignee_id: assigneeId } = request.body;
    const conversation = await findConversationRef(db, projectId, request.params.id);
    if (!conversation) throw errors.notFound('conversation', request.params.id);
    // The assignee is checked first: a refused one leaves the status as it was too.
    if (assigneeId !== undefined) await assignConversation(db, { userId, projectId }, conversation, assigneeId, deps.clock.now());
    // The Kapso API's own status change, so webhooks fire as they would for it.
    if (status !== undefined) await updateConversationStatus(db, projectId, conversation, status, deps.clock.now());
    deps.outboxBell.ring();
    return loadInboxConversation(db, projectId, userId, conversation.id);
  });

  r.post('/inbox/api/conversations/:id/read', { schema: { params: conversationParams } }, async (request, reply) => {
    const { userId, projectId } = request.member;
    const conversation = await findConversationRef(db, projectId, request.params.id);
    if (!conversation) throw errors.notFound('conversation', request.params.id);
    await markConversationRead(db, userId, conversation.id, deps.clock.now());
    return reply.code(204).send();
  });
}
