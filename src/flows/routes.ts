import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { forwardedQuery, graphPath, isGraphId } from '../graph/graph-path.ts';
import { findProjectNumberByWaba } from '../tenants/store.ts';
import { ASSET_LIMITS, readFlowAsset } from './asset-upload.ts';
import { createdFlowId, listedFlowIds } from './flow-answers.ts';
import { type FlowOwnerDeps, requireFlowNumber } from './flow-owner.ts';
import { replyWithGraphAnswer, successBodyOf } from './graph-call.ts';
import { createFlowBodySchema, flowParamsSchema } from './schemas.ts';
import { recordFlows } from './store.ts';
import { metaAnswerResponses } from '../http/pass-through-schemas.ts';

/** What `GET /{waba_id}/flows` forwards (Meta's paging and field selection). */
const FLOW_LIST = ['limit', 'after', 'before', 'fields'];

/**
 * WhatsApp Flows, passed through to Meta under the token of one of the project's numbers
 * (kapso-api.md §6.8): create and list under a WABA of the project, and the flow id routes
 * (assets, publish, deprecate) for flows flow-owner.ts finds to be the project's. `GET /{flow_id}`
 * shares its path with phone numbers and media, so the proxy's object route reads flows (read-flow.ts).
 */
export async function flowRoutes(app: FastifyInstance, deps: Deps & FlowOwnerDeps): Promise<void> {
  // The asset upload is read by @fastify/multipart within ASSET_LIMITS, not as a buffered body.
  if (app.hasContentTypeParser('multipart/form-data')) app.removeContentTypeParser('multipart/form-data');
  await app.register(multipart, { limits: ASSET_LIMITS });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;

  const waba = async (projectId: string, wabaId: string): Promise<PhoneNumberRow> => {
    const number = isGraphId(wabaId) ? await findProjectNumberByWaba(db, projectId, wabaId) : undefined;
    if (!number) throw errors.notFound('WhatsApp Business Account', wabaId);
    return number;
  };

  r.post('/:version/:id/flows', { schema: { params: flowParamsSchema, body: createFlowBodySchema, response: metaAnswerResponses } }, async (request, reply) => {
    const { version, id } = request.params;
    const number = await waba(request.projectId, id);
    const path = graphPath(version, [number.waba_id, 'flows'], forwardedQuery(request.query, []));
    const answer = await callAsNumber(deps, number, 'POST', path, { body: JSON.stringify(request.body), contentType: 'application/json' }, request.id);
    const flowId = createdFlowId(successBodyOf(answer));
    if (flowId !== undefined) await recordFlows(db, request.projectId, number.waba_id, [flowId], deps.clock.now());
    return replyWithGraphAnswer(reply, answer);
  });

  r.get('/:version/:id/flows', { schema: { params: flowParamsSchema, response: metaAnswerResponses } }, async (request, reply) => {
    const { version, id } = request.params;
    const number = await waba(request.projectId, id);
    const answer = await callAsNumber(deps, number, 'GET', graphPath(version, [number.waba_id, 'flows'], forwardedQuery(request.query, FLOW_LIST)), undefined, request.id);
    // Every flow Meta lists under the project's WABA becomes one the project may act on.
    await recordFlows(db, request.projectId, number.waba_id, listedFlowIds(successBodyOf(answer)), deps.clock.now());
    return replyWithGraphAnswer(reply, answer);
  });

  r.post('/:version/:id/assets', { schema: { params: flowParamsSchema, response: metaAnswerResponses } }, async (request, reply) => {
    const { version, id } = request.params;
    const number = await requireFlowNumber(deps, request, version, id);
    const form = await readFlowAsset(request);
    const answer = await callAsNumber(deps, number, 'POST', graphPath(version, [id, 'assets'], forwardedQuery(request.query, [])), { form }, request.id);
    return replyWithGraphAnswer(reply, answer);
  });

  // Publish and deprecate take no parameters: nothing of the client's body goes to Meta.
  for (const action of ['publish', 'deprecate'] as const) {
    r.post(`/:version/:id/${action}`, { schema: { params: flowParamsSchema, response: metaAnswerResponses } }, async (request, reply) => {
      const { version, id } = request.params;
      const number = await requireFlowNumber(deps, request, version, id);
      const answer = await callAsNumber(deps, number, 'POST', graphPath(version, [id, action], forwardedQuery(request.query, [])), undefined, request.id);
      return replyWithGraphAnswer(reply, answer);
    });
  }
}
