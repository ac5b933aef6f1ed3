import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { replyWithAnswer } from './answer.ts';
import { errors } from '../http/errors.ts';
import { assertNoReservedFields, isGraphId } from '../graph/graph-path.ts';
import { withIdempotency } from './idempotency.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { isMarkRead, messagesBodySchema, sendResponseSchema } from './schemas.ts';
import { markRead, sendMessage, sendRateOf } from './send.ts';

const sendSchema = {
  params: z.object({ version: z.string(), phoneNumberId: z.string().min(1).max(64) }),
  body: messagesBodySchema,
  headers: z.object({ 'idempotency-key': z.string().optional() }).loose(),
  // Meta's answer, passed through: the accepted message's wamid, or `success` for a mark-as-read.
  response: { 200: documentedOnly(z.union([sendResponseSchema, z.object({ success: z.literal(true) }).loose()])) } as Record<number, z.ZodType<unknown>>,
};

/** Client → Meta: sends (and mark-as-read) through the gateway (kapso-api.md §6.1.1–6.1.2). */
export async function proxyRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/:version/:phoneNumberId/messages', { schema: sendSchema }, async (request, reply) => {
    const { version, phoneNumberId } = request.params;
    // An id not shaped like Meta's cannot be one of the project's numbers.
    if (!isGraphId(phoneNumberId)) throw errors.notFound('phone number', phoneNumberId);
    const number = await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const body = request.body;
    assertNoReservedFields(body);
    const answer = await withIdempotency(
      deps,
      { projectId: request.projectId, key: request.headers['idempotency-key'], request: `${phoneNumberId}\n${JSON.stringify(body)}` },
      () => (isMarkRead(body) ? markRead(deps, number, version, body, request.id) : sendMessage(deps, number, version, body, request)),
    );
    // Kapso's burst headers: the number's send rate, and what this process holds of it now.
    if (!isMarkRead(body)) void reply.header('x-burst-ratelimit-limit', String(sendRateOf(deps, number))).header('x-burst-ratelimit-remaining', String(deps.governor.inHand(number.id)));
    return replyWithAnswer(reply, answer);
  });
}
