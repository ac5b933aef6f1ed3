import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PhoneNumberRow } from '../db/schema.ts';
import { callAsNumber } from '../graph/call-as-number.ts';
import { forwardedQuery, graphPath } from '../graph/graph-path.ts';
import { type FlowGraphDeps, replyWithGraphAnswer } from './graph-call.ts';

/**
 * What `GET /{flow_id}` forwards: `fields` (`preview`, `preview.invalidate(false)`, `status`…)
 * and the preview parameters Kapso's SDK adds from `flows.preview({ params })`, snake-cased
 * (kapso-api.md §6.8). `phone_number_id` and `business_account_id` are the gateway's, never Meta's;
 * Graph's own `debug` is not forwarded on any route.
 */
export const FLOW_READ = ['fields', 'flow_action', 'flow_action_payload', 'flow_token', 'interactive', 'phone_number'];

/**
 * Answers `GET /{version}/{flow_id}` with Meta's answer for a flow the caller may read (the number
 * comes from flow-owner.ts). The proxy's `GET /{version}/{id}` route calls it: the same path
 * also reads phone numbers and media.
 */
export async function readFlow(deps: FlowGraphDeps, request: FastifyRequest, reply: FastifyReply, number: PhoneNumberRow, version: string, flowId: string): Promise<FastifyReply> {
  const answer = await callAsNumber(deps, number, 'GET', graphPath(version, [flowId], forwardedQuery(request.query, FLOW_READ)), undefined, request.id);
  return replyWithGraphAnswer(reply, answer);
}
