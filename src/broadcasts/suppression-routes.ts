import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { kapsoErrors } from '../http/kapso-errors.ts';
import { pageMeta } from './paging.ts';
import { presentSuppression } from './present.ts';
import { addSuppression, removeSuppression } from './suppressions.ts';
import { addSuppressionSchema, listSuppressionsSchema, suppressionParams } from './schemas.ts';
import { countSuppressions, listSuppressionsPage } from './suppression-store.ts';

const SUPPRESSIONS = '/platform/v1/whatsapp/broadcast_suppressions';

/**
 * The project's broadcast suppression list (ours; Kapso documents none): numbers that add
 * recipients skips and reports. Named like Kapso's Platform resources, under the same key and
 * error body as the broadcast routes (docs/broadcasts.md).
 */
export async function suppressionRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.get(SUPPRESSIONS, { schema: listSuppressionsSchema }, async (request) => {
    const { page, per_page: perPage } = request.query;
    const total = await countSuppressions(db, request.projectId);
    const rows = total === 0 ? [] : await listSuppressionsPage(db, request.projectId, (page - 1) * perPage, perPage);
    return { data: rows.map(presentSuppression), meta: pageMeta(page, perPage, total) };
  });

  r.post(SUPPRESSIONS, { schema: addSuppressionSchema }, async (request, reply) => {
    const s = request.body.whatsapp_suppression;
    const { row, added } = await addSuppression(deps, request.projectId, { phoneNumber: s.phone_number, reason: s.reason, errorCode: s.error_code ?? null, source: 'api' });
    return reply.code(added ? 201 : 200).send({ data: presentSuppression(row) });
  });

  r.delete(`${SUPPRESSIONS}/:phone_number`, { schema: suppressionParams }, async (request) => {
    if (!(await removeSuppression(deps, request.projectId, request.params.phone_number))) throw kapsoErrors.notFound('Suppression');
    return { data: { phone_number: request.params.phone_number.replace(/^\+/, ''), removed: true } };
  });
}
