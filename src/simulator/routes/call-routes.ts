import type { FastifyInstance } from 'fastify';
import { callPermissions, handleCallAction } from '../calls/call-service.ts';
import type { SimContext } from '../context.ts';
import { requireNumber } from './graph-auth.ts';

/** WhatsApp Calling's endpoints (kapso-api.md §6.7.1): call actions and call permissions. */
export async function callRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  app.post('/:version/:id/calls', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    return handleCallAction(ctx, number, request.body);
  });
  app.get('/:version/:id/call_permissions', async (request) => {
    const number = requireNumber(ctx, request, (request.params as { id: string }).id);
    return callPermissions(ctx, number, (request.query as Record<string, unknown>).user_wa_id);
  });
}
