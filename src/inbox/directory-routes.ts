import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { updateContact } from '../contacts/update-contact.ts';
import { errors } from '../http/errors.ts';
import { findProjectPhoneNumber, listPhoneNumbers } from '../tenants/store.ts';
import { listLiveUsers } from '../tenants/users-store.ts';
import { findProjectContact } from './contacts-store.ts';
import { listContactConversationIds } from './conversation-store.ts';
import { loadInboxConversations } from './load-conversation.ts';
import { presentInboxContact } from './present-contact.ts';
import { readApprovedTemplates } from './read-approved-templates.ts';
import { contactBody, contactParams, numberParams } from './schemas.ts';

/** A contact panel shows this many of the contact's conversations at most. */
const CONTACT_CONVERSATIONS = 100;

/** The project's numbers, members, templates and contacts, as the inbox needs them (docs/inbox-api.md). */
export async function inboxDirectoryRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get('/inbox/api/numbers', async (request) => {
    const numbers = await listPhoneNumbers(db, request.member.projectId);
    return { data: numbers.map((n) => ({ id: n.id, display_phone_number: n.display_phone_number, waba_id: n.waba_id, is_sandbox: Number(n.is_sandbox) === 1 })) };
  });

  r.get('/inbox/api/members', async (request) => {
    const members = await listLiveUsers(db, request.member.projectId);
    return { data: members.map((m) => ({ id: m.id, email: m.email, role: m.role })) };
  });

  r.get('/inbox/api/numbers/:phone_number_id/templates', { schema: { params: numberParams } }, async (request, reply) => {
    const id = request.params.phone_number_id;
    const number = await findProjectPhoneNumber(db, request.member.projectId, id);
    if (!number) throw errors.notFound('phone number', id);
    const templates = await readApprovedTemplates(deps, number, request.id);
    // Meta's refusal (a revoked token, a WABA it no longer sees) as Meta gave it.
    if (!Array.isArray(templates)) return reply.code(templates.statusCode).type('application/json').send(templates.body);
    return { data: templates };
  });

  r.get('/inbox/api/contacts/:id/conversations', { schema: { params: contactParams } }, async (request) => {
    const { userId, projectId } = request.member;
    const contact = await findProjectContact(db, projectId, request.params.id);
    if (!contact) throw errors.notFound('contact', request.params.id);
    const ids = await listContactConversationIds(db, contact, CONTACT_CONVERSATIONS);
    return { data: await loadInboxConversations(db, projectId, userId, ids) };
  });

  r.patch('/inbox/api/contacts/:id', { schema: { params: contactParams, body: contactBody } }, async (request) => {
    const { projectId } = request.member;
    const contact = await findProjectContact(db, projectId, request.params.id);
    if (!contact) throw errors.notFound('contact', request.params.id);
    // The Kapso contacts API's own update: the name is the contact's display_name (kapso-api.md §6.3.3).
    const address = contact.wa_id !== null ? { waId: contact.wa_id } : { bsuid: contact.business_scoped_user_id ?? '' };
    const target = { projectId, phoneNumberId: contact.phone_number_id, address };
    if (!(await updateContact(db, target, { display_name: request.body.name }, deps.clock.now()))) throw errors.notFound('contact', request.params.id);
    return presentInboxContact((await findProjectContact(db, projectId, contact.id)) ?? contact);
  });
}
