import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { cursorBinding, readPageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { parseFields } from '../http/fields.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import { assemblePage, buildPaging, pageUrl } from '../http/list-page.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { presentContact } from './present.ts';
import { getContactSchema, listContactsSchema, updateContactSchema } from './schemas.ts';
import { type ContactAddress, type ContactKey, findContact, listContacts } from './store.ts';
import { updateContact } from './update-contact.ts';

const CONTACT_KEY = ['int', 'string'] as const;

/** Kapso's contact directory of a number: list, get, update (kapso-api.md §6.3). */
export async function contactRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { cursors } = deps;

  r.get('/:version/:phoneNumberId/contacts', { schema: listContactsSchema }, async (request) => {
    const { phoneNumberId } = request.params;
    const q = request.query;
    parseFields(q.fields); // accepted and ignored (§2.6), but a malformed one is still an error
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const binding = cursorBinding('contacts', request.projectId, phoneNumberId);
    const start = readPageStart<ContactKey>(cursors, binding, CONTACT_KEY, q);
    const filter = { waId: q.wa_id, bsuid: q.business_scoped_user_id, customerId: q.customer_id, hasCustomer: q.has_customer };
    const rows = await listContacts(db, request.projectId, phoneNumberId, filter, { start, limit: q.limit + 1 });
    const page = assemblePage(rows, q.limit, start);
    return {
      data: page.rows.map(presentContact),
      paging: buildPaging(
        page,
        (c) => cursors.encode(binding, [c.created_at, c.id]),
        (param, cursor) => pageUrl(deps.config.http.publicUrl, request.url, param, cursor),
      ),
    };
  });

  r.get('/:version/:phoneNumberId/contacts/:waId', { schema: getContactSchema }, async (request) => {
    const { phoneNumberId, waId: address } = request.params;
    parseFields(request.query.fields);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const row = await findContact(db, request.projectId, phoneNumberId, address);
    if (!row) throw errors.notFound('contact', nameOf(address));
    return presentContact(row);
  });

  r.patch('/:version/:phoneNumberId/contacts/:waId', { schema: updateContactSchema }, async (request) => {
    const { phoneNumberId, waId: address } = request.params;
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const target = { projectId: request.projectId, phoneNumberId, address };
    if (!(await updateContact(db, target, request.body, deps.clock.now()))) throw errors.notFound('contact', nameOf(address));
    return { success: true as const };
  });
}

function nameOf(address: ContactAddress): string {
  return 'waId' in address ? address.waId : address.bsuid;
}
