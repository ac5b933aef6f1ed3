import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { authenticate } from '../http/auth.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { errors } from '../http/errors.ts';
import { platformPageMetaSchema } from '../http/list-schemas.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { platformPhoneNumberSchema } from './number-schemas.ts';
import { phoneNumberRoutes } from './number-routes.ts';
import { presentPlatformPhoneNumber } from './present.ts';
import { countProjectPhoneNumbers, listProjectPhoneNumbersPage } from './store.ts';

/** §3: Platform page lists allow `page ≤ 50` and `page × per_page ≤ 5000`; beyond, 400. */
const MAX_ROWS_REACHABLE = 5_000;

const listPhoneNumbersSchema = {
  querystring: z
    .object({
      page: z.coerce.number().int().min(1).max(50).default(1),
      per_page: z.coerce.number().int().min(1).max(100).default(20),
      customer_id: z.uuid().optional(),
    })
    .loose(),
  response: { 200: documentedOnly(z.object({ data: z.array(platformPhoneNumberSchema), meta: platformPageMetaSchema })) },
};

/**
 * The Platform API routes Kapso's inbox calls (kapso-api.md §6.9), on the same origin as the Graph
 * routes but outside `/{version}`, so in a scope of their own that authenticates the same key.
 */
export async function platformRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request) => {
    request.projectId = await authenticate(request, deps.tenants);
  });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get('/platform/v1/whatsapp/phone_numbers', { schema: listPhoneNumbersSchema }, async (request) => {
    const { page, per_page: perPage, customer_id: customerId } = request.query;
    if (page * perPage > MAX_ROWS_REACHABLE) {
      throw errors.invalidParameter('page', `Parameter 'page' times 'per_page' must not exceed ${MAX_ROWS_REACHABLE}.`);
    }
    // Numbers are never linked to a Kapso customer here, so a customer filter matches none.
    const total = customerId === undefined ? await countProjectPhoneNumbers(db, request.projectId) : 0;
    const rows = total === 0 ? [] : await listProjectPhoneNumbersPage(db, request.projectId, (page - 1) * perPage, perPage);
    return {
      data: rows.map(presentPlatformPhoneNumber),
      meta: { page, per_page: perPage, total_pages: Math.ceil(total / perPage), total_count: total },
    };
  });

  await phoneNumberRoutes(app, deps);
}
