import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { authenticate } from '../http/auth.ts';
import { cursorBinding, readPageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import { assemblePage, buildPaging, pageUrl } from '../http/list-page.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { findTargetWebhook, type WebhookTarget } from '../webhooks/target.ts';
import { deliveryLogFilter } from './log-filter.ts';
import { getDeliverySchema, listDeliveriesSchema, redeliverManySchema, redeliverOneSchema, testWebhookSchema } from './log-schemas.ts';
import { type DeliveryKey, findDelivery, findDeliveryBody, listAttempts, listDeliveries } from './log-store.ts';
import { presentDelivery, presentDeliveryDetail } from './present-delivery.ts';
import { redeliverDelivery, redeliverRange } from './redeliver.ts';
import { queueTestEvent } from './test-event.ts';

const DELIVERIES = '/platform/v1/webhook_deliveries';
const DELIVERY_KEY = ['int', 'int'] as const;
/** Test events answer at both addresses a webhook has (§8.1, §8.8), as webhooks/routes.ts does. */
const TEST_PATHS = ['/platform/v1/whatsapp/webhooks/:webhook_id/test', '/platform/v1/whatsapp/phone_numbers/:phone_number_id/webhooks/:webhook_id/test'];

/**
 * The delivery log, redelivery and test events of the Platform API (kapso-api.md §8.8). Outside
 * `/{version}`, so in an authenticated scope of its own, like platform/routes.ts.
 */
export async function deliveryLogRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request) => {
    request.projectId = await authenticate(request, deps.tenants);
  });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { cursors } = deps;

  r.get(DELIVERIES, { schema: listDeliveriesSchema }, async (request) => {
    const q = request.query;
    // The log spans the project's numbers, so the cursor is bound to the project alone.
    const binding = cursorBinding('webhook_deliveries', request.projectId, '*');
    const start = readPageStart<DeliveryKey>(cursors, binding, DELIVERY_KEY, q);
    const rows = await listDeliveries(db, request.projectId, deliveryLogFilter(q, deps.clock.now()), { start, limit: q.limit + 1 });
    const page = assemblePage(rows, q.limit, start);
    return {
      data: page.rows.map(presentDelivery),
      paging: buildPaging(
        page,
        (d) => cursors.encode(binding, [d.created_at, d.seq]),
        (param, cursor) => pageUrl(deps.config.http.publicUrl, request.url, param, cursor),
      ),
    };
  });

  r.get(`${DELIVERIES}/:delivery_id`, { schema: getDeliverySchema }, async (request) => {
    const id = request.params.delivery_id;
    const row = await findDelivery(db, request.projectId, id);
    if (!row) throw errors.notFound('webhook delivery', id);
    return { data: presentDeliveryDetail(row, await listAttempts(db, request.projectId, id), await findDeliveryBody(db, row.event_id)) };
  });

  r.post(`${DELIVERIES}/redeliver`, { schema: redeliverManySchema }, async (request) => {
    const { status, webhook_id: webhookId, since, until } = request.body;
    const redelivered = await redeliverRange(deps, request.projectId, { status, webhookId, sinceMs: since, untilMs: until });
    return { data: { redelivered } };
  });

  r.post(`${DELIVERIES}/:delivery_id/redeliver`, { schema: redeliverOneSchema }, async (request) => {
    const id = request.params.delivery_id;
    const result = await redeliverDelivery(deps, request.projectId, id);
    if (!result) throw errors.notFound('webhook delivery', id);
    return { data: presentDelivery(result.row) };
  });

  for (const path of TEST_PATHS) {
    r.post(path, { schema: testWebhookSchema }, async (request) => {
      const { webhook_id: id, phone_number_id: phoneNumberId } = request.params;
      const target: WebhookTarget = { projectId: request.projectId, id };
      // A number of another project answers exactly like one that does not exist.
      if (phoneNumberId !== undefined) target.phoneNumberId = (await requirePhoneNumber(request, deps.tenants, phoneNumberId)).id;
      const webhook = await findTargetWebhook(db, target);
      if (!webhook) throw errors.notFound('webhook', id);
      await queueTestEvent(deps, webhook, request.body?.event_type);
      return { data: { success: true as const } };
    });
  }
}
