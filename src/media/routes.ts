import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { errors } from '../http/errors.ts';
import { countedMediaStream } from './reclaim.ts';
import { authorizeMediaUrl, planMediaResponse } from './serve.ts';
import { findMediaForServing, isMediaPruned } from './store.ts';

const params = z.object({ id: z.string().min(1).max(128) });
// Checked by the signer, not here: a malformed signature is a 403 like any other bad one.
const querystring = z.object({ expires: z.string().optional(), signature: z.string().optional() });
const file = documentedOnly(z.string().meta({ format: 'binary', description: 'The file with its stored content type; 206 for a `Range`, 304 for a matching `If-None-Match`.' }));
// The answer is a stream with the plan's status: the schema is for the OpenAPI document only.
const response: Record<number, z.ZodType<unknown>> = { 200: file, 206: file };

const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * `GET` and `HEAD /media/{id}?expires=…&signature=…`: a stored media file, streamed from the
 * blob store with ranges and conditional requests (docs/media.md). No API key: the signed URL
 * is the credential, so this scope has no auth hook.
 */
export async function mediaRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: ['GET', 'HEAD'],
    url: '/media/:id',
    schema: { params, querystring, produces: ['application/octet-stream'], response },
    handler: async (request, reply) => {
      const now = deps.clock.now();
      const expiresAtSeconds = authorizeMediaUrl(deps.mediaUrls, request.params.id, request.query, now);
      const media = await findMediaForServing(deps.database.db, request.params.id);
      if (!media) throw (await isMediaPruned(deps.database.db, request.params.id)) ? errors.mediaPruned(request.params.id) : errors.notFound('media', request.params.id);
      const plan = planMediaResponse(
        media,
        { head: request.method === 'HEAD', range: header(request.headers.range), ifNoneMatch: header(request.headers['if-none-match']), ifRange: header(request.headers['if-range']) },
        expiresAtSeconds - Math.ceil(now / 1000),
      );
      void reply.code(plan.status).headers(plan.headers);
      if (!plan.sendBody) return reply.send();
      return reply.send(countedMediaStream(await deps.blobs.open(media.storageKey, plan.range)));
    },
  });
}
