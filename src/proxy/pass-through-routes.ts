import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { metaAnswerResponses, metaParametersSchema } from '../http/pass-through-schemas.ts';
import { describeMedia } from '../media/media-metadata.ts';
import { isMetaMediaQueued } from '../media/queue-store.ts';
import { findMediaByMetaId } from '../media/store.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { findProjectNumberByWaba, listPhoneNumbers } from '../tenants/store.ts';
import { knownFlowNumber, numberOfHint, requireFlowNumber, scopeHintOf } from '../flows/flow-owner.ts';
import { readFlow } from '../flows/read-flow.ts';
import { replyWithAnswer } from './answer.ts';
import { forwardedQuery, graphPath, isGraphId } from '../graph/graph-path.ts';
import { passThrough } from './pass-through.ts';
import { editTemplate, templateEditSchema } from './template-edit.ts';
import { uploadRoute } from './upload-route.ts';

type Params = { version: string; id: string; templateId?: string; action?: string };
type Request = FastifyRequest<{ Params: Params }>;

/** The query parameters each forwarded GET or DELETE may carry (what Meta documents for it). */
const FIELDS = ['fields'];
const TEMPLATE_LIST = ['limit', 'before', 'after', 'status', 'name', 'category', 'language', 'content', 'name_or_content', 'quality_score', 'summary', 'fields', 'order'];
const TEMPLATE_DELETE = ['name', 'hsm_id', 'language'];
const SETTINGS = ['include_sip_credentials', 'fields'];

const objectParams = z.object({ version: z.string(), id: z.string().min(1).max(64) });

/** For the OpenAPI document: what these routes answer (Meta's answer) and take (Meta's parameters). */
const forwarded = { schema: { response: metaAnswerResponses } };
const forwardedWithBody = { schema: { body: metaParametersSchema, response: metaAnswerResponses } };

/**
 * Media, templates, phone-number settings and business profile: forwarded to Meta after checking
 * that the number or WABA in the path belongs to the caller's project. `GET /{id}` also reads
 * flows (flows/), which share its path. The upstream path is built
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

  // The number `phone_number_id` names as the owner of a media id (Kapso §1.3), if any.
  const mediaOwner = (request: Request) => {
    const owner = (request.query as Record<string, unknown>).phone_number_id;
    if (owner !== undefined && typeof owner !== 'string') throw errors.invalidParameter('phone_number_id', "Parameter 'phone_number_id' must be given once.");
    return owner !== undefined && owner !== request.params.id ? owner : undefined;
  };

  // `/{id}` is one of the project's flows when the gateway recorded it so (flows/flow-owner.ts);
  // with `business_account_id`, only a flow, which Meta must confirm is of that WABA; with
  // `phone_number_id`, media (Kapso §1.3), answered from the gateway's copy without asking Meta;
  // with neither, a phone number. A flow the gateway has not recorded is therefore read with
  // `business_account_id`, or after `flows.list` or an action naming the number recorded it.
  app.get<{ Params: Params }>('/:version/:id', forwarded, async (request, reply) => {
    const { version, id } = request.params;
    const flowNumber = await knownFlowNumber(deps, request.projectId, id);
    if (flowNumber) return readFlow(deps, request, reply, flowNumber, version, id);
    if (scopeHintOf(request.query).businessAccountId !== undefined) return readFlow(deps, request, reply, await requireFlowNumber(deps, request, version, id), version, id);
    const owner = mediaOwner(request);
    // Media metadata comes from the gateway's copy, whose URL works with no headers (§6.4.2).
    if (owner !== undefined) {
      const n = await number(request, owner);
      if (!isGraphId(id)) throw errors.notFound('media', id);
      return describeMedia(deps, n, id);
    }
    const n = await number(request, id);
    return forward(request, reply, n, [n.id], FIELDS);
  });
  app.delete<{ Params: Params }>('/:version/:id', forwarded, async (request, reply) => {
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
    if (action === 'settings' || action === 'whatsapp_business_profile') app.get<{ Params: Params }>(`/:version/:id/${action}`, forwarded, handler);
    app.post<{ Params: Params }>(`/:version/:id/${action}`, forwardedWithBody, handler);
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
  app.get<{ Params: Params }>('/:version/:id/message_templates', forwarded, template);
  app.post<{ Params: Params }>('/:version/:id/message_templates', forwardedWithBody, template);
  app.delete<{ Params: Params }>('/:version/:id/message_templates', forwarded, template);
  app.get<{ Params: Params }>('/:version/:id/message_templates/:templateId', forwarded, template);

  // Template edits (meta-cloud-api.md §6.3; kapso-api.md §6.5): only of a template Meta lists under
  // one of the project's WABAs (template-edit.ts).
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.put('/:version/:id/message_templates', { schema: { params: objectParams, body: templateEditSchema, response: metaAnswerResponses } }, async (request, reply) => {
    const { version, id } = request.params;
    const n = isGraphId(id) ? await findProjectNumberByWaba(deps.database.db, request.projectId, id) : undefined;
    if (!n) throw errors.notFound('WhatsApp Business Account', id);
    const hsmId = forwardedQuery(request.query, ['hsm_id']).hsm_id;
    if (hsmId === undefined) throw errors.invalidParameter('hsm_id', 'The parameter hsm_id is required: the id of the template to edit.');
    return editTemplate(deps, reply, [n], version, hsmId, request.body);
  });
  // Meta's own form names no WABA: the query's number or WABA if given, else each of the project's.
  r.post('/:version/:id', { schema: { params: objectParams, body: templateEditSchema, response: metaAnswerResponses } }, async (request, reply) => {
    const { version, id } = request.params;
    const hint = scopeHintOf(request.query);
    const named = hint.phoneNumberId !== undefined || hint.businessAccountId !== undefined;
    const candidates = named ? [await numberOfHint(deps, request.projectId, hint)].filter((n) => n !== undefined) : await listPhoneNumbers(deps.database.db, request.projectId);
    return editTemplate(deps, reply, candidates, version, id, request.body);
  });
}

/** Whether the gateway knows a Meta media id on this number (stored, downloading or queued). */
async function isKnownMedia(deps: Pick<Deps, 'database'>, n: PhoneNumberRow, metaMediaId: string): Promise<boolean> {
  if (!isGraphId(metaMediaId)) return false;
  const { db } = deps.database;
  return (await findMediaByMetaId(db, n.id, metaMediaId)) !== undefined || (await isMetaMediaQueued(db, n.id, metaMediaId));
}
