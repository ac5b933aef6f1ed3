import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { keepUploadedMedia } from '../media/keep-upload.ts';
import { describeMedia } from '../media/media-metadata.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { findProjectNumberByWaba } from '../tenants/store.ts';
import { replyWithAnswer } from './answer.ts';
import { passThrough } from './pass-through.ts';

/** Meta's largest media (documents, 100 MB) plus multipart overhead. */
const MEDIA_BODY_LIMIT_BYTES = 101 * 1024 * 1024;

type Params = { version: string; id: string; templateId?: string; action?: string };

/**
 * Media, templates, phone-number settings and business profile: forwarded to Meta as they are,
 * after checking that the number or WABA in the path belongs to the caller's project.
 */
export async function passThroughRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  // Uploads are multipart: forward the exact bytes with their boundary. The parser serves the whole
  // Graph scope, so it takes each route's own limit: the upload route's large one, else the app's.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const number = (request: Parameters<typeof requirePhoneNumber>[0], id: string) => requirePhoneNumber(request, deps.tenants, id);

  app.post<{ Params: Params }>('/:version/:id/media', { bodyLimit: MEDIA_BODY_LIMIT_BYTES }, async (request, reply) => {
    const { version, id } = request.params;
    const n = await number(request, id);
    const answer = await passThrough(deps, n, request, `/${version}/${id}/media`);
    const mediaId = answer.statusCode === 200 ? uploadedMediaId(answer.body) : undefined;
    if (mediaId !== undefined && Buffer.isBuffer(request.body)) await keepUploadedMedia(deps, n, request.headers['content-type'], request.body, mediaId);
    return replyWithAnswer(reply, answer);
  });

  // `/{id}` is a media id when `phone_number_id` says whose it is (Kapso §1.3), else a phone number.
  const mediaOwner = (request: FastifyRequest<{ Params: Params }>) => {
    const owner = (request.query as Record<string, string | undefined>).phone_number_id;
    return owner !== undefined && owner !== request.params.id ? owner : undefined;
  };
  app.get<{ Params: Params }>('/:version/:id', async (request, reply) => {
    const { version, id } = request.params;
    const owner = mediaOwner(request);
    // Media metadata comes from the gateway's copy, whose URL works with no headers (§6.4.2).
    if (owner !== undefined) return describeMedia(deps, await number(request, owner), id);
    return replyWithAnswer(reply, await passThrough(deps, await number(request, id), request, `/${version}/${id}`));
  });
  app.delete<{ Params: Params }>('/:version/:id', async (request, reply) => {
    const { version, id } = request.params;
    const owner = mediaOwner(request);
    if (owner === undefined) throw errors.invalidParameter('phone_number_id', 'phone_number_id is required to delete media through the gateway.');
    // Deleted at Meta; the gateway's copy stays part of the history.
    return replyWithAnswer(reply, await passThrough(deps, await number(request, owner), request, `/${version}/${id}`));
  });

  for (const action of ['settings', 'whatsapp_business_profile', 'register', 'deregister', 'request_code', 'verify_code']) {
    const handler = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
      const { version, id } = request.params;
      return replyWithAnswer(reply, await passThrough(deps, await number(request, id), request, `/${version}/${id}/${action}`));
    };
    if (action === 'settings' || action === 'whatsapp_business_profile') app.get<{ Params: Params }>(`/:version/:id/${action}`, handler);
    app.post<{ Params: Params }>(`/:version/:id/${action}`, handler);
  }

  const template = async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    const { version, id, templateId } = request.params;
    const n = await findProjectNumberByWaba(deps.database.db, request.projectId, id);
    if (!n) throw errors.notFound('WhatsApp Business Account', id);
    const path = `/${version}/${id}/message_templates${templateId ? `/${templateId}` : ''}`;
    return replyWithAnswer(reply, await passThrough(deps, n, request, path));
  };
  app.get<{ Params: Params }>('/:version/:id/message_templates', template);
  app.post<{ Params: Params }>('/:version/:id/message_templates', template);
  app.delete<{ Params: Params }>('/:version/:id/message_templates', template);
  app.get<{ Params: Params }>('/:version/:id/message_templates/:templateId', template);
}

/** The `id` of Meta's answer to an upload (`{ "id": "…" }`), if it is one. */
function uploadedMediaId(body: Buffer): string | undefined {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { id?: unknown }).id;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}
