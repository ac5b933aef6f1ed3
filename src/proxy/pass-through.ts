import type { FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import type { PhoneNumberRow } from '../db/schema.ts';
import type { ProxyAnswer } from './answer.ts';
import { graphOriginOf } from './send.ts';
import { secretSlots } from '../tenants/secrets.ts';

type PassDeps = Pick<Deps, 'cipher' | 'graph' | 'config'>;

/** Graph paths we forward as they are, under the number's token (kapso-api.md §6.4–6.6). */
export async function passThrough(deps: PassDeps, number: PhoneNumberRow, request: FastifyRequest, path: string): Promise<ProxyAnswer> {
  const method = request.method as 'GET' | 'POST' | 'DELETE';
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const raw = request.body;
  const body = raw === undefined || raw === null ? undefined : Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
  return deps.graph.call(graphOriginOf(deps, number), {
    method,
    path: `${path}${query}`,
    token: deps.cipher.decrypt(number.access_token_enc, secretSlots.accessToken(number.id)),
    body: method === 'GET' ? undefined : body,
    contentType: body === undefined ? undefined : (request.headers['content-type'] ?? 'application/json'),
  });
}
