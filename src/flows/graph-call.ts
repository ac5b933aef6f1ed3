import type { FastifyReply } from 'fastify';
import type { FormData } from 'undici';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import { secretSlots } from '../crypto/secrets.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import type { GraphResponse } from '../graph/graph-client.ts';
import type { GraphPath } from '../graph/graph-path.ts';

export type FlowGraphDeps = Pick<Deps, 'cipher' | 'graph' | 'config'>;

/** What a flow route sends to Meta: a JSON text, a rebuilt multipart form, or nothing. */
export type FlowBody = { json: string } | { form: FormData } | undefined;

/**
 * One Graph call under the number's token to a path a flow route built (graph/graph-path.ts).
 * The body is what the route rebuilt from the validated request, never the client's raw bytes,
 * so a flow call carries only what Meta documents for it (kapso-api.md §6.8).
 */
export async function callAsNumber(deps: FlowGraphDeps, number: PhoneNumberRow, method: 'GET' | 'POST', path: GraphPath, body?: FlowBody): Promise<GraphResponse> {
  const token = deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
  const origin = graphOriginOf(deps, number);
  if (body === undefined) return deps.graph.call(origin, { method, path, token });
  if ('form' in body) return deps.graph.call(origin, { method, path, token, body: body.form });
  return deps.graph.call(origin, { method, path, token, body: body.json, contentType: 'application/json' });
}

/** Replies with Meta's answer unchanged: status, content type and bytes (Kapso §5: pass-through). */
export function replyWithGraphAnswer(reply: FastifyReply, answer: GraphResponse): FastifyReply {
  return reply.code(answer.statusCode).type(answer.contentType ?? 'application/json').send(answer.body);
}

/** A 2xx answer's JSON object, or undefined (an error answer, or one that is not an object). */
export function successBodyOf(answer: GraphResponse): Record<string, unknown> | undefined {
  if (answer.statusCode < 200 || answer.statusCode >= 300) return undefined;
  try {
    const parsed: unknown = JSON.parse(answer.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
