import type { FastifyRequest } from 'fastify';
import type { FormData } from 'undici';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import type { ProxyAnswer } from './answer.ts';
import { assertNoReservedFields, type GraphPath } from '../graph/graph-path.ts';
import { callAsNumber } from '../graph/call-as-number.ts';

type PassDeps = Pick<Deps, 'cipher' | 'graph' | 'config'>;

/**
 * Forwards a call to a Graph path the route built (graph/graph-path.ts: its own segments and the
 * query parameters it allows, never the client's raw URL) under the number's token, with the
 * request's body, or the multipart `form` the route rebuilt from it (kapso-api.md §6.4–6.6).
 */
export async function passThrough(deps: PassDeps, number: PhoneNumberRow, request: FastifyRequest, path: GraphPath, form?: FormData): Promise<ProxyAnswer> {
  const method = request.method as 'GET' | 'POST' | 'DELETE';
  if (form) return callAsNumber(deps, number, method, path, { form }, request.id);
  const raw = request.body;
  assertNoReservedFields(raw);
  const body = raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
  return callAsNumber(deps, number, method, path, body === undefined || method === 'GET' ? undefined : { body, contentType: request.headers['content-type'] ?? 'application/json' }, request.id);
}
