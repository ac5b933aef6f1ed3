import type { FastifyRequest } from 'fastify';
import { errors } from './errors.ts';

/** What authentication asks of the tenants (tenants/lookup.ts answers it, with its cache). */
export interface KeyLookup {
  /** The project an API key belongs to, or null for a malformed, unknown or revoked key. */
  projectOfKey(key: string): Promise<string | null>;
}

/**
 * The project key a request presents: `X-API-Key` first, else `Authorization: Bearer <key>`
 * (kapso-api.md §1.2: when both are sent, X-API-Key wins).
 */
export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const authorization = request.headers.authorization;
  if (authorization && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, '').trim();
  return null;
}

/** Authenticates a request and returns its project id, or throws the 401 error. */
export async function authenticate(request: FastifyRequest, tenants: KeyLookup): Promise<string> {
  const key = presentedKey(request);
  const projectId = key ? await tenants.projectOfKey(key) : null;
  if (!projectId) throw errors.unauthenticated();
  return projectId;
}
