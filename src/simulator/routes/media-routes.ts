import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphError } from '../../http/errors.ts';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import { mediaForDownload, uploadMedia } from '../media/media-service.ts';
import { MultipartError, multipartBoundary, parseMultipart } from '../../http/multipart.ts';
import { authenticate, canReachWaba, requireNumber } from './graph-auth.ts';

/** A download URL that expired, was never issued, or points at deleted media (§3: 404). */
function downloadNotFound(): GraphError {
  return new GraphError(404, 100, 'GraphMethodException', 'Media not found', 'The download URL expired (they live 5 minutes) or the media was deleted; call GET /{media_id} again.');
}

/** Media upload (multipart) and the authenticated download URL (meta-cloud-api.md §3). */
export async function mediaRoutes(app: FastifyInstance, ctx: SimContext): Promise<void> {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/:version/:id/media', async (request) => {
    const { id } = request.params as { id: string };
    const number = requireNumber(ctx, request, id);
    const boundary = multipartBoundary(request.headers['content-type']);
    if (!boundary || !Buffer.isBuffer(request.body)) {
      throw simErrors.invalidParameter('Upload media as multipart/form-data with the fields messaging_product, type and file.');
    }
    try {
      return uploadMedia(ctx, number, parseMultipart(request.body, boundary));
    } catch (err) {
      if (err instanceof MultipartError) throw simErrors.invalidParameter(`The multipart body is malformed: ${err.message}.`);
      throw err;
    }
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
