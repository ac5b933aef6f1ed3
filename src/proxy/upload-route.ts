import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { metaAnswerResponses } from '../http/pass-through-schemas.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { keepUploadedMedia } from '../media/keep-upload.ts';
import { receiveUpload, UPLOAD_LIMITS } from '../media/receive-upload.ts';
import { formOf, uploadedMediaId } from './upload-form.ts';
import { type ProxyAnswer, replyWithAnswer } from './answer.ts';
import { assertNoReservedFields, forwardedQuery, graphPath } from '../graph/graph-path.ts';
import { passThrough } from './pass-through.ts';

/** For the OpenAPI document: Meta's upload form, streamed rather than parsed against a schema. */
const uploadForm = documentedOnly(
  z.object({ messaging_product: z.literal('whatsapp'), file: z.string().meta({ format: 'binary', description: 'The file, up to 100 MB.' }), type: z.string().meta({ description: 'Its MIME type.' }) }),
);

type Request = FastifyRequest<{ Params: { version: string; id: string } }>;

/**
 * `POST /{version}/{phone_number_id}/media`, in a scope of its own: there @fastify/multipart
 * replaces the Graph scope's buffering multipart parser, so the file (up to 100 MB) streams to a
 * temporary file in the data folder, from there to Meta, and into the media store once Meta
 * accepted it (keep-upload.ts). The temporary file is removed whatever happens. A body that is
 * not multipart goes to Meta as it came, and Meta answers it.
 */
export async function uploadRoute(app: FastifyInstance, deps: Deps, numberOf: (request: Request, id: string) => Promise<PhoneNumberRow>): Promise<void> {
  app.removeContentTypeParser('multipart/form-data');
  await app.register(multipart, { limits: UPLOAD_LIMITS });
  const spoolDir = join(deps.config.db.dataDir, 'uploads');

  app.post<{ Params: { version: string; id: string } }>('/:version/:id/media', { schema: { consumes: ['multipart/form-data'], body: uploadForm, response: metaAnswerResponses } }, async (request, reply) => {
    const n = await numberOf(request, request.params.id);
    const path = graphPath(request.params.version, [n.id, 'media'], forwardedQuery(request.query, []));
    if (!request.isMultipart()) return replyWithAnswer(reply, await passThrough(deps, n, request, path));
    const upload = await receiveUpload(request, spoolDir);
    let answer: ProxyAnswer;
    // The temporary file is gone before the client hears back, whatever Meta said.
    try {
      assertNoReservedFields(Object.fromEntries(upload.parts.map((p) => [p.name, true])));
      answer = await passThrough(deps, n, request, path, await formOf(upload.parts));
      const mediaId = answer.statusCode === 200 ? uploadedMediaId(answer.body) : undefined;
      if (mediaId !== undefined) await keepUploadedMedia(deps, n, upload.parts, mediaId);
    } finally {
      await upload.remove();
    }
    return replyWithAnswer(reply, answer);
  });
}
