import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../../http/errors.ts';
import type { SimContext } from '../context.ts';
import { simErrors } from '../graph-errors.ts';
import type { SimNumber } from '../state.ts';

/** Any Graph version segment is accepted (meta-cloud-api.md §7.1). */
const VERSION = /^v\d{1,3}\.\d{1,3}$/;

/** Rejects `/{version}/…` paths whose version is not `vN.N` as unknown paths. */
export function installVersionCheck(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const version = (request.params as { version?: string }).version;
    if (version !== undefined && !VERSION.test(version)) throw errors.unknownPath(request.method, request.url.split('?')[0] ?? '');
  });
}

/** The bearer token of a Graph call: the Authorization header, else `?access_token=`. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
  const query = (request.query as Record<string, unknown> | undefined)?.access_token;
  return typeof query === 'string' ? query : undefined;
}

/** The numbers the caller's token acts for; a missing or unknown token is 401/190 (§7.2). */
export function authenticate(ctx: SimContext, request: FastifyRequest): SimNumber[] {
  const token = bearerToken(request);
  if (token === undefined) throw simErrors.invalidToken(true);
  const numbers = token === '' ? [] : ctx.state.numbersForToken(token);
  if (numbers.length === 0) throw simErrors.invalidToken(false);
  return numbers;
}

/**
 * The business number of the path: unknown → 400 code 100 (GraphMethodException, subcode 33);
 * a known token without access to it → 403 code 10 (§7.2).
 */
export function requireNumber(ctx: SimContext, request: FastifyRequest, phoneNumberId: string): SimNumber {
  const allowed = authenticate(ctx, request);
  const number = ctx.state.numbers.get(phoneNumberId);
  if (!number) throw simErrors.unknownObject(request.method, phoneNumberId);
  if (!allowed.includes(number)) throw simErrors.permissionDenied();
  return number;
}

/** A WABA of the path, with the same rules as a number. */
export function requireWaba(ctx: SimContext, request: FastifyRequest, wabaId: string): void {
  const allowed = authenticate(ctx, request);
  if (![...ctx.state.numbers.values()].some((n) => n.wabaId === wabaId)) throw simErrors.unknownObject(request.method, wabaId);
  if (!allowed.some((n) => n.wabaId === wabaId)) throw simErrors.permissionDenied();
}

/** Whether the caller's numbers share a WABA with an object owned by `wabaId`. */
export function canReachWaba(allowed: SimNumber[], wabaId: string | undefined): boolean {
  return wabaId !== undefined && allowed.some((n) => n.wabaId === wabaId);
}
