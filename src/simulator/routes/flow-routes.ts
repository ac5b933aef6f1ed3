import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { originOf, type SimContext } from '../context.ts';
import { listFlows } from '../flows/flow-listing.ts';
import { createFlow, deprecateFlow, publishFlow, updateFlowAsset } from '../flows/flow-service.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimFlow } from '../state.ts';
import { authenticate, canReachWaba, requireWaba } from './graph-auth.ts';

/** Flow JSON assets are small; a few MB bounds what one upload holds in memory. */
const MAX_ASSET_BYTES = 10 * 1024 * 1024;

/**
 * WhatsApp Flows (kapso-api.md §6.8): create and list under a WABA, and the flow id edges
 * `assets`, `publish` and `deprecate`. `GET /{flow_id}` is in object-routes.ts. A flow the
 * token's WABAs cannot reach does not exist (400, code 100, subcode 33).
 */
export async function flowRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  const flowOf = (request: FastifyRequest, id: string): SimFlow => {
    const allowed = authenticate(ctx, request);
    const flow = ctx.state.flows.get(id);
    if (!flow || !canReachWaba(allowed, flow.wabaId)) throw simErrors.unknownObject(request.method, id);
    return flow;
  };

  app.post('/:version/:id/flows', async (request) => {
    const { id } = request.params as { id: string };
    requireWaba(ctx, request, id);
    return createFlow(ctx, id, request.body);
  });

  app.get('/:version/:id/flows', async (request) => {
    const { version, id } = request.params as { version: string; id: string };
    requireWaba(ctx, request, id);
    const raw = request.query as Record<string, string | undefined>;
    const base = `${originOf(ctx, request)}/${version}/${id}/flows`;
    return listFlows(ctx, ctx.state.flowsOf(id), raw, (cursor) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries({ limit: raw.limit, fields: raw.fields, ...cursor })) if (value !== undefined) params.set(key, value);
      return `${base}?${params.toString()}`;
    });
  });

  app.post('/:version/:id/publish', async (request) => publishFlow(flowOf(request, (request.params as { id: string }).id)));
  app.post('/:version/:id/deprecate', async (request) => deprecateFlow(flowOf(request, (request.params as { id: string }).id)));

  // The asset upload in a scope of its own, where @fastify/multipart reads it.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_ASSET_BYTES, files: 1 } });
    scope.post('/:version/:id/assets', async (request) => {
      const flow = flowOf(request, (request.params as { id: string }).id);
      if (!request.isMultipart()) throw simErrors.invalidParameter('Upload the Flow JSON as multipart/form-data with the fields file, name and asset_type.');
      return updateFlowAsset(flow, await readParts(request));
    });
  });
}

async function readParts(request: FastifyRequest): Promise<{ name: string; value?: string; file?: Buffer }[]> {
  const parts: { name: string; value?: string; file?: Buffer }[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') parts.push({ name: part.fieldname, file: await part.toBuffer() });
      else parts.push({ name: part.fieldname, value: typeof part.value === 'string' ? part.value : JSON.stringify(part.value) });
    }
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode === 413) throw err;
    throw simErrors.invalidParameter(`The multipart body is malformed: ${err instanceof Error ? err.message : String(err)}.`);
  }
  return parts;
}
