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
  if (form) return callAsNumber(deps, number, method, path, { form });
  const raw = request.body;
  assertNoReservedFields(raw);
  const body = raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
  return callAsNumber(deps, number, method, path, body === undefined || method === 'GET' ? undefined : { body, contentType: request.headers['content-type'] ?? 'application/json' });
}

/**
 * One Graph call under the number's token to a path a route built, with the body the route
 * chose: the client's (passThrough), one it rebuilt (a template edit's checked fields), or none.
 */
export async function callAsNumber(
  deps: PassDeps,
  number: PhoneNumberRow,
  method: 'GET' | 'POST' | 'DELETE',
  path: GraphPath,
  payload?: { form: FormData } | { body: Buffer | string; contentType: string },
): Promise<ProxyAnswer> {
  const token = deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id));
  const origin = graphOriginOf(deps, number);
  if (payload === undefined) return deps.graph.call(origin, { method, path, token });
  if ('form' in payload) return deps.graph.call(origin, { method, path, token, body: payload.form });
  return deps.graph.call(origin, { method, path, token, body: payload.body, contentType: payload.contentType });
}
