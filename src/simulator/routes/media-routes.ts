import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphError } from '../../http/errors.ts';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { mediaForDownload, type UploadPart, uploadMedia } from '../media/media-service.ts';
import { authenticate, canReachWaba, requireNumber } from './graph-auth.ts';

/** A download URL that expired, was never issued, or points at deleted media (§3: 404). */
function downloadNotFound(): GraphError {
  return new GraphError(404, 100, 'GraphMethodException', 'Media not found', 'The download URL expired (they live 5 minutes) or the media was deleted; call GET /{media_id} again.');
}

/** Media upload (multipart) and the authenticated download URL (meta-cloud-api.md §3). */
export async function mediaRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  // The upload in a scope of its own, where @fastify/multipart reads it.
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: ctx.options.bodyLimitBytes } });
    scope.post('/:version/:id/media', async (request) => {
      const { id } = request.params as { id: string };
      const number = requireNumber(ctx, request, id);
      if (!request.isMultipart()) throw simErrors.invalidParameter('Upload media as multipart/form-data with the fields messaging_product, type and file.');
      return uploadMedia(ctx, number, await readUpload(request));
    });
  });

  // The lookaside-style URL from GET /{media_id}: bearer first (401 without), then the URL.
  const download = async (request: FastifyRequest, reply: FastifyReply) => {
    const allowed = authenticate(ctx, request);
    const media = mediaForDownload(ctx, (request.query as { hash?: string }).hash);
    if (!media || !canReachWaba(allowed, ctx.state.numbers.get(media.phoneNumberId)?.wabaId)) throw downloadNotFound();
    return reply.type(media.mimeType).header('content-length', media.data.length).send(media.data);
  };
  app.get('/whatsapp_business/attachments/', download);
  app.get('/whatsapp_business/attachments', download);
}

/** Every part of an upload, files whole: the simulator keeps uploaded media in memory anyway. */
async function readUpload(request: FastifyRequest): Promise<UploadPart[]> {
  const parts: UploadPart[] = [];
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        parts.push({ name: part.fieldname, ...(part.filename ? { filename: part.filename } : {}), contentType: part.mimetype, data: await part.toBuffer() });
      } else {
        parts.push({ name: part.fieldname, data: Buffer.from(typeof part.value === 'string' ? part.value : JSON.stringify(part.value)) });
      }
    }
  } catch (err) {
    if ((err as { statusCode?: unknown }).statusCode === 413) throw err;
    throw simErrors.invalidParameter(`The multipart body is malformed: ${err instanceof Error ? err.message : String(err)}.`);
  }
  return parts;
}
