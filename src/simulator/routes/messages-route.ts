import type { FastifyInstance } from 'fastify';
import type { SimContext } from '../context.ts';
import { handleMessagesCall } from '../send/send-message.ts';
import { requireNumber } from './graph-auth.ts';

/** `POST /{version}/{phone_number_id}/messages`: sends, mark-as-read and typing (§2). */
export async function messagesRoute(app: FastifyInstance, ctx: SimContext): Promise<void> {
  app.post('/:version/:id/messages', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    const number = requireNumber(ctx, request, id);
    // Bodies are validated by hand, not by a route schema: Meta's codes and wording differ
    // per rule (100 naming the parameter, 131051, 131009 …), see validate/send-request.ts.
    return handleMessagesCall(ctx, number, version, request.body);
  });
}
