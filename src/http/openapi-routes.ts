import type { FastifySchema } from 'fastify';
import { createJsonSchemaTransform } from 'fastify-type-provider-zod';
import { documentedOnly } from './documented-only.ts';
import { errorEnvelopeSchema } from './error-envelope.ts';
import { type Access, routeGroupOf } from './openapi-tags.ts';

type TransformInput = Parameters<ReturnType<typeof createJsonSchemaTransform>>[0];
type RouteSchema = FastifySchema & { hide?: boolean; response?: Record<string, unknown>; tags?: string[]; security?: unknown };

const zodTransform = createJsonSchemaTransform({ skipList: [] });
const errorEnvelope = documentedOnly(errorEnvelopeSchema);

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  'api-key': [{ apiKey: [] }, { bearerAuth: [] }],
  'meta-signature': [{ metaSignature: [] }],
  public: [],
};

const ERROR_DESCRIPTIONS: Record<Access, Record<string, string>> = {
  'api-key': {
    '4XX': "Refused: 400 an invalid parameter (error_data.details names it), 401 a missing or unknown key, 404 an unknown id or another project's (the same answer), 409, 413, 415, 429 with Retry-After.",
    '5XX': "The gateway's store or Meta unavailable (502, 503 with Retry-After, 504), or an unexpected failure (500; the request id is in fbtrace_id).",
  },
  'meta-signature': {
    '4XX': '401 a missing, malformed or wrong X-Hub-Signature-256; 400 a body that is not JSON; 413 over INGEST_BODY_LIMIT_BYTES.',
    '5XX': "503 with Retry-After: the store is unavailable and nothing was stored; Meta retries.",
  },
  public: {
    '4XX': 'Refused: a bad parameter, or a URL whose signature or expiry does not verify.',
    '5XX': 'The gateway cannot answer right now.',
  },
};

/**
 * @fastify/swagger's per-route transform: the route's own zod schemas become JSON Schema through
 * the zod provider, with the route's tag and security from its path (openapi-tags.ts) and Meta's
 * error envelope for the 4XX and 5XX answers the route does not describe itself.
 */
export function documentRoute(input: TransformInput): ReturnType<typeof zodTransform> {
  const schema = (input.schema ?? {}) as RouteSchema;
  if (schema.hide) return { schema: { hide: true } as FastifySchema, url: input.url };
  const path = input.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  const { tag, access: pathAccess } = routeGroupOf(path);
  // The verification handshake is unsigned: Meta proves itself with hub.verify_token.
  const access = pathAccess === 'meta-signature' && methodsOf(input.route.method).includes('GET') ? 'public' : pathAccess;
  const withDefaults: RouteSchema = {
    tags: [tag],
    security: SECURITY[access],
    ...schema,
    response: { '4XX': errorEnvelope, '5XX': errorEnvelope, ...schema.response },
  };
  const out = zodTransform({ ...input, schema: withDefaults });
  const response = (out.schema as RouteSchema).response ?? {};
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS[access])) {
    const documented = response[status] as Record<string, unknown> | undefined;
    // Always JSON, whatever the route's `produces` says of its success answer.
    if (documented && schema.response?.[status] === undefined) response[status] = { description, content: { 'application/json': { schema: documented } } };
  }
  return out;
}

function methodsOf(method: string | string[]): string[] {
  return Array.isArray(method) ? method : [method];
}
