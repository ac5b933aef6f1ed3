import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { describeMedia } from '../media/media-metadata.ts';
import { isMetaMediaQueued } from '../media/queue-store.ts';
import { findMediaByMetaId } from '../media/store.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { findProjectNumberByWaba } from '../tenants/store.ts';
import { replyWithAnswer } from './answer.ts';
import { forwardedQuery, graphPath, isGraphId } from '../graph/graph-path.ts';
import { passThrough } from './pass-through.ts';
import { uploadRoute } from './upload-route.ts';

type Params = { version: string; id: string; templateId?: string; action?: string };
type Request = FastifyRequest<{ Params: Params }>;

/** The query parameters each forwarded GET or DELETE may carry (what Meta documents for it). */
const FIELDS = ['fields'];
const TEMPLATE_LIST = ['limit', 'before', 'after', 'status', 'name', 'category', 'language', 'content', 'name_or_content', 'quality_score', 'summary', 'fields', 'order'];
const TEMPLATE_DELETE = ['name', 'hsm_id', 'language'];
const SETTINGS = ['include_sip_credentials', 'fields'];

/**
 * Media, templates, phone-number settings and business profile: forwarded to Meta after checking
 * that the number or WABA in the path belongs to the caller's project. The upstream path is built
 * from the stored number (or WABA) and ids shaped like Meta's, never from the client's URL, and
 * only the query parameters a route names are forwarded (graph/graph-path.ts).
 */
export async function passThroughRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  // A multipart body on any other route is forwarded as its exact bytes, within the app's body
  // limit; the upload route streams instead (upload-route.ts).
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // An id that is not a Meta id cannot be one of the project's numbers: answered like any unknown one.
  const number = (request: Request, id: string) => (isGraphId(id) ? requirePhoneNumber(request, deps.tenants, id) : Promise.reject(errors.notFound('phone number', id)));
  const forward = async (request: Request, reply: FastifyReply, n: PhoneNumberRow, segments: string[], allowed: readonly string[] = []) =>
    replyWithAnswer(reply, await passThrough(deps, n, request, graphPath(request.params.version, segments, forwardedQuery(request.query, allowed))));

  await app.register(async (scope) => uploadRoute(scope, deps, number));

  // `/{id}` is a media id when `phone_number_id` says whose it is (Kapso §1.3), else a phone number.
  const mediaOwner = (request: Request) => {
    const owner = (request.query as Record<string, unknown>).phone_number_id;
    if (owner !== undefined && typeof owner !== 'string') throw errors.invalidParameter('phone_number_id', "Parameter 'phone_number_id' must be given once.");
    return owner !== undefined && owner !== request.params.id ? owner : undefined;
  };
  app.get<{ Params: Params }>('/:version/:id', async (request, reply) => {
    const owner = mediaOwner(request);
    // Media metadata comes from the gateway's copy, whose URL works with no headers (§6.4.2).
    if (owner !== undefined) {
      const n = await number(request, owner);
      if (!isGraphId(request.params.id)) throw errors.notFound('media', request.params.id);
      return describeMedia(deps, n, request.params.id);
    }
    const n = await number(request, request.params.id);
    return forward(request, reply, n, [n.id], FIELDS);
  });
  app.delete<{ Params: Params }>('/:version/:id', async (request, reply) => {
    const { version, id } = request.params;
    const owner = mediaOwner(request);
    if (owner === undefined) throw errors.invalidParameter('phone_number_id', 'phone_number_id is required to delete media through the gateway.');
    const n = await number(request, owner);
    // Only media the gateway saw on this number is deleted at Meta: any other id (another
    // number's, or any other Graph object) answers as unknown and never reaches Meta.
    if (!(await isKnownMedia(deps, n, id))) throw errors.notFound('media', id);
    // Deleted at Meta; the gateway's copy stays part of the history.
    return replyWithAnswer(reply, await passThrough(deps, n, request, graphPath(version, [id], { ...forwardedQuery(request.query, []), phone_number_id: n.id })));
  });

  for (const action of ['settings', 'whatsapp_business_profile', 'register', 'deregister', 'request_code', 'verify_code']) {
    const handler = async (request: Request, reply: FastifyReply) => {
      const n = await number(request, request.params.id);
      return forward(request, reply, n, [n.id, action], request.method === 'GET' ? (action === 'settings' ? SETTINGS : FIELDS) : []);
    };
    if (action === 'settings' || action === 'whatsapp_business_profile') app.get<{ Params: Params }>(`/:version/:id/${action}`, handler);
    app.post<{ Params: Params }>(`/:version/:id/${action}`, handler);
  }

  const template = async (request: Request, reply: FastifyReply) => {
    const { id, templateId } = request.params;
    const n = isGraphId(id) ? await findProjectNumberByWaba(deps.database.db, request.projectId, id) : undefined;
    if (!n) throw errors.notFound('WhatsApp Business Account', id);
    if (templateId !== undefined) {
      if (!isGraphId(templateId)) throw errors.notFound('template', templateId);
      return forward(request, reply, n, [n.waba_id, 'message_templates', templateId], FIELDS);
    }
    return forward(request, reply, n, [n.waba_id, 'message_templates'], request.method === 'GET' ? TEMPLATE_LIST : request.method === 'DELETE' ? TEMPLATE_DELETE : []);
  };
  app.get<{ Params: Params }>('/:version/:id/message_templates', template);
  app.post<{ Params: Params }>('/:version/:id/message_templates', template);
  app.delete<{ Params: Params }>('/:version/:id/message_templates', template);
  app.get<{ Params: Params }>('/:version/:id/message_templates/:templateId', template);
}

/** Whether the gateway knows a Meta media id on this number (stored, downloading or queued). */
async function isKnownMedia(deps: Pick<Deps, 'database'>, n: PhoneNumberRow, metaMediaId: string): Promise<boolean> {
  if (!isGraphId(metaMediaId)) return false;
  const { db } = deps.database;
  return (await findMediaByMetaId(db, n.id, metaMediaId)) !== undefined || (await isMetaMediaQueued(db, n.id, metaMediaId));
}
