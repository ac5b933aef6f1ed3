import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PhoneNumberRow } from '../db/schema.ts';
import { authenticate, type KeyLookup } from './auth.ts';
import { errors } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the API key, set by the Graph scope's auth hook. */
    projectId: string;
  }
}

/** What the Graph scope asks of the tenants: the caller's project, and the numbers it owns. */
export interface TenantScope extends KeyLookup {
  /** The phone number if the project owns it; null for unknown and foreign numbers alike. */
  phoneNumberOf(projectId: string, phoneNumberId: string): Promise<PhoneNumberRow | null>;
}

/** Any Graph version segment (`v24.0`, `v23.0`…): clients pin different ones (kapso-api.md §1.1). */
const VERSION = /^v\d{1,3}\.\d{1,3}$/;

/**
 * Shared behaviour of every `/{version}/…` route: an unknown version segment is an unknown path,
 * and the request must carry a valid project key.
 */
export function installGraphScope(app: FastifyInstance, tenants: TenantScope): void {
  app.decorateRequest('projectId', '');
  app.addHook('onRequest', async (request) => {
    const version = (request.params as { version?: string }).version;
    if (version !== undefined && !VERSION.test(version)) {
      throw errors.unknownPath(request.method, request.url.split('?')[0] ?? '');
    }
    request.projectId = await authenticate(request, tenants);
  });
}

/** The phone number in the path, which must belong to the caller's project (else 404). */
export async function requirePhoneNumber(request: FastifyRequest, tenants: TenantScope, phoneNumberId: string): Promise<PhoneNumberRow> {
  const number = await tenants.phoneNumberOf(request.projectId, phoneNumberId);
  if (!number) throw errors.notFound('phone number', phoneNumberId);
  return number;
}
