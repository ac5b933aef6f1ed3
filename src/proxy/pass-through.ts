import type { FastifyRequest } from 'fastify';
import type { FormData } from 'undici';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import type { ProxyAnswer } from './answer.ts';
import { assertNoReservedFields, type GraphPath } from '../graph/graph-path.ts';
import { graphOriginOf } from '../graph/graph-origin.ts';
import { secretSlots } from '../crypto/secrets.ts';

type PassDeps = Pick<Deps, 'cipher' | 'graph' | 'config'>;

/**
 * Forwards a call to a Graph path the route built (graph/graph-path.ts: its own segments and the
 * query parameters it allows, never the client's raw URL) under the number's token, with the
 * request's body, or the multipart `form` the route rebuilt from it (kapso-api.md §6.4–6.6).
 */
export async function passThrough(deps: PassDeps, number: PhoneNumberRow, request: FastifyRequest, path: GraphPath, form?: FormData): Promise<ProxyAnswer> {
  const method = request.method as 'GET' | 'POST' | 'DELETE';
  const token = deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
  if (form) return deps.graph.call(graphOriginOf(deps, number), { method, path, token, body: form });
  const raw = request.body;
  assertNoReservedFields(raw);
  const body = raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
  return deps.graph.call(graphOriginOf(deps, number), {
    method,
    path,
    token,
    body: method === 'GET' ? undefined : body,
    contentType: body === undefined ? undefined : (request.headers['content-type'] ?? 'application/json'),
  });
}
