import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { findProjectPhoneNumber } from '../tenants/store.ts';
import { addNote } from './add-note.ts';
import { findProjectContact } from './contacts-store.ts';
import { findConversationRef } from './conversation-store.ts';
import { listThread } from './list-thread.ts';
import { listNotes } from './notes-store.ts';
import { presentNote } from './present-note.ts';
import { conversationParams, inboxSendBody, listMessagesQuery, noteBody, sendHeaders } from './schemas.ts';
import { sendFromInbox } from './send-message.ts';
import { sendOnce } from './send-once.ts';

/** A conversation's messages and notes, and sending to its customer (docs/inbox-api.md). */
export async function inboxThreadRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const conversationOf = async (projectId: string, id: string) => {
    const conversation = await findConversationRef(db, projectId, id);
    if (!conversation) throw errors.notFound('conversation', id);
    return conversation;
  };

  r.get('/inbox/api/conversations/:id/messages', { schema: { params: conversationParams, querystring: listMessagesQuery } }, async (request) => {
    const { projectId } = request.member;
    return listThread(deps, projectId, await conversationOf(projectId, request.params.id), request.query);
  });

  r.post('/inbox/api/conversations/:id/messages', { schema: { params: conversationParams, body: inboxSendBody, headers: sendHeaders } }, async (request, reply) => {
    const { userId, projectId } = request.member;
    const conversation = await conversationOf(projectId, request.params.id);
    const number = await findProjectPhoneNumber(db, projectId, conversation.phone_number_id);
    const customer = await findProjectContact(db, projectId, conversation.contact_id);
    if (!number || !customer) throw errors.notFound('conversation', request.params.id);
    const scope = { userId, key: request.headers['idempotency-key'], request: `${conversation.id}\n${JSON.stringify(request.body)}`, requestId: request.id };
    const answer = await sendOnce(deps, scope, () => sendFromInbox(deps, projectId, number, customer, request.body, request));
    return reply.code(answer.statusCode).type('application/json').send(answer.body);
  });

  r.get('/inbox/api/conversations/:id/notes', { schema: { params: conversationParams } }, async (request) => {
    const { projectId } = request.member;
    const conversation = await conversationOf(projectId, request.params.id);
    return { data: (await listNotes(db, projectId, conversation.id)).map(presentNote) };
  });

  r.post('/inbox/api/conversations/:id/notes', { schema: { params: conversationParams, body: noteBody } }, async (request, reply) => {
    const { userId, projectId } = request.member;
    const conversation = await conversationOf(projectId, request.params.id);
    const note = await addNote(db, { userId, projectId }, conversation, request.body.body, deps.clock.now());
    deps.outboxBell.ring();
    return reply.code(201).send(presentNote(note));
  });
}
