import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { authenticate } from '../http/auth.ts';
import { errors } from '../http/errors.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { createWebhook } from './create-webhook.ts';
import { listWebhooks } from './list-webhooks.ts';
import { presentWebhook } from './present.ts';
import {
  createNumberWebhookSchema,
  createProjectWebhookSchema,
  deleteWebhookSchema,
  getWebhookSchema,
  listNumberWebhooksSchema,
  listProjectWebhooksSchema,
  updateWebhookSchema,
} from './schemas.ts';
import { findTargetWebhook, removeTargetWebhook, type WebhookTarget } from './target.ts';
import { changeWebhook } from './update-webhook.ts';
import { secretSlots } from '../crypto/secrets.ts';

const NUMBER_WEBHOOKS = '/platform/v1/whatsapp/phone_numbers/:phone_number_id/webhooks';
const PROJECT_WEBHOOKS = '/platform/v1/whatsapp/webhooks';
/** Each webhook answers at both addresses Kapso documents (§8.1, §8.7). */
const WEBHOOK_PATHS = [`${PROJECT_WEBHOOKS}/:webhook_id`, `${NUMBER_WEBHOOKS}/:webhook_id`];

type RouteDeps = Deps & { tenants: TenantLookup };

/**
 * Webhook subscriptions of the Platform API (kapso-api.md §8.1, §8.7): phone-number webhooks for
 * message and conversation events, project webhooks for lifecycle events. Outside `/{version}`,
 * so in an authenticated scope of its own, like platform/routes.ts.
 */
export async function webhookRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request) => {
    request.projectId = await authenticate(request, deps.tenants);
  });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  r.post(NUMBER_WEBHOOKS, { schema: createNumberWebhookSchema }, async (request, reply) => {
    const { phone_number_id: pathNumber } = request.params;
    const { phone_number_id: bodyNumber, ...input } = request.body.whatsapp_webhook;
    const number = await requirePhoneNumber(request, deps.tenants, pathNumber);
    if (bodyNumber !== undefined && bodyNumber !== pathNumber) {
      throw errors.invalidParameter('phone_number_id', "whatsapp_webhook.phone_number_id must match the path's phone number (or be left out).");
    }
    const created = await createWebhook(deps, request.projectId, number.id, input);
    return reply.code(201).send({ data: created });
  });

  r.post(PROJECT_WEBHOOKS, { schema: createProjectWebhookSchema }, async (request, reply) => {
    const { phone_number_id: bodyNumber, ...input } = request.body.whatsapp_webhook;
    const number = bodyNumber === undefined ? null : await requirePhoneNumber(request, deps.tenants, bodyNumber);
    const created = await createWebhook(deps, request.projectId, number?.id ?? null, input);
    return reply.code(201).send({ data: created });
  });

  r.get(NUMBER_WEBHOOKS, { schema: listNumberWebhooksSchema }, async (request) => {
    const number = await requirePhoneNumber(request, deps.tenants, request.params.phone_number_id);
    return listWebhooks(deps, request.projectId, request.query, number.id);
  });

  // Both scopes; a phone_number_id of another project simply matches nothing.
  r.get(PROJECT_WEBHOOKS, { schema: listProjectWebhooksSchema }, async (request) => {
    return listWebhooks(deps, request.projectId, request.query, request.query.phone_number_id);
  });

  for (const path of WEBHOOK_PATHS) {
    r.get(path, { schema: getWebhookSchema }, async (request) => {
      const target = await targetOf(request, deps.tenants, request.params);
      const row = await findTargetWebhook(db, target);
      if (!row) throw errors.notFound('webhook', target.id);
      return { data: presentWebhook(row, deps.cipher.decrypt(row.secret_enc, secretSlots.webhookSecret(row.id))) };
    });

    r.patch(path, { schema: updateWebhookSchema }, async (request) => {
      const target = await targetOf(request, deps.tenants, request.params);
      const updated = await changeWebhook(deps, target, request.body.whatsapp_webhook);
      if (!updated) throw errors.notFound('webhook', target.id);
      return { data: updated };
    });

    // 204 with no body: Kapso's docs do not show this answer's body (see docs/webhooks.md).
    r.delete(path, { schema: deleteWebhookSchema }, async (request, reply) => {
      const target = await targetOf(request, deps.tenants, request.params);
      if (!(await removeTargetWebhook(db, target, deps.clock.now()))) throw errors.notFound('webhook', target.id);
      return reply.code(204).send();
    });
  }
}

/**
 * The webhook a path addresses. On the phone-number paths the number is checked first, so a
 * number of another project answers exactly like one that does not exist.
 */
async function targetOf(
  request: FastifyRequest,
  tenants: TenantLookup,
  params: { webhook_id: string; phone_number_id?: string | undefined },
): Promise<WebhookTarget> {
  const target: WebhookTarget = { projectId: request.projectId, id: params.webhook_id };
  if (params.phone_number_id !== undefined) {
    await requirePhoneNumber(request, tenants, params.phone_number_id);
    target.phoneNumberId = params.phone_number_id;
  }
  return target;
}
