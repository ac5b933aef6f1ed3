import { join } from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { graphPath } from '../graph/graph-path.ts';
import { errors } from '../http/errors.ts';
import { keepUploadedMedia } from '../media/keep-upload.ts';
import { receiveUpload, UPLOAD_LIMITS, type UploadPart } from '../media/receive-upload.ts';
import { formOf, uploadedMediaId } from '../proxy/upload-form.ts';
import { findProjectPhoneNumber } from '../tenants/store.ts';
import { numberParams } from './schemas.ts';

type FilePart = Extract<UploadPart, { kind: 'file' }>;

/**
 * `POST /inbox/api/numbers/:phone_number_id/media` (docs/inbox-api.md): the composer's attachment,
 * a multipart `file`, uploaded to Meta under the number's token and kept like an API upload
 * (proxy/upload-route.ts: spooled to the data folder, streamed to Meta, copied into the media
 * store once Meta gave its id, so the message sent with it shows the file at once). In a scope of
 * its own, where @fastify/multipart parses the body.
 */
export async function inboxMediaRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(multipart, { limits: UPLOAD_LIMITS });
    const spoolDir = join(deps.config.db.dataDir, 'uploads');
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post('/inbox/api/numbers/:phone_number_id/media', { schema: { params: numberParams } }, async (request, reply) => {
      const id = request.params.phone_number_id;
      const number = await findProjectPhoneNumber(deps.database.db, request.member.projectId, id);
      if (!number) throw errors.notFound('phone number', id);
      if (!request.isMultipart()) throw errors.invalidParameter('file', 'Send the file as multipart/form-data, in a part named file.');
      const upload = await receiveUpload(request, spoolDir);
      try {
        const file = upload.parts.find((p): p is FilePart => p.kind === 'file' && p.name === 'file');
        if (!file) throw errors.invalidParameter('file', 'The parameter file is required.');
        // Meta's upload form, whatever else the browser sent: the product, the file's type, the file.
        const parts: UploadPart[] = [{ kind: 'field', name: 'messaging_product', value: 'whatsapp' }, { kind: 'field', name: 'type', value: file.contentType }, file];
        const answer = await callAsNumber(deps, number, 'POST', graphPath('v24.0', [number.id, 'media']), { form: await formOf(parts) }, request.id);
        const mediaId = answer.statusCode === 200 ? uploadedMediaId(answer.body) : undefined;
        if (mediaId === undefined) return reply.code(answer.statusCode).type('application/json').send(answer.body);
        await keepUploadedMedia(deps, number, parts, mediaId);
        return { id: mediaId };
      } finally {
        await upload.remove();
      }
    });
  });
}
