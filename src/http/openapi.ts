import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { OpenAPIV3_1 } from 'openapi-types';
import { documentRoute } from './openapi-routes.ts';
import { API_TAGS, SECURITY_SCHEMES } from './openapi-tags.ts';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const DESCRIPTION = `A self-hosted WhatsApp Business gateway: Meta's Cloud API proxied with each number's token,
every message and status stored once, read back in Kapso's shape, and Kapso's Platform API.

Every refusal is answered in Meta's Graph error envelope (\`ErrorEnvelope\`), whose \`fbtrace_id\` is
the request id. Authenticate with a project API key in \`X-API-Key\` or \`Authorization: Bearer\`.
Meta's own answers and errors on pass-through routes reach the client unchanged.`;

/**
 * The OpenAPI 3.1 document at `/openapi.json` and Swagger UI at `/docs`, both public and both off
 * with `API_DOCS=off`. The document is generated from the zod schemas the routes validate with
 * (openapi-routes.ts adds tags, security and the error envelope), so it cannot drift from them.
 * Registered before any route: @fastify/swagger collects routes as they are added.
 */
export async function registerApiDocs(app: FastifyInstance, opts: { publicUrl: string; version: string }): Promise<void> {
  const addComponents = createJsonSchemaTransformObject({});
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Switchboard', version: opts.version, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
      servers: [{ url: opts.publicUrl }],
      tags: API_TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: documentRoute,
    transformObject: (input) => keepReferencedSchemas(addComponents(input as Parameters<typeof addComponents>[0]) as OpenAPIV3_1.Document),
  });
  app.get(OPENAPI_PATH, { schema: { hide: true }, logLevel: 'warn' }, async () => app.swagger());
  await app.register(swaggerUi, {
    routePrefix: DOCS_PATH,
    // The page and its assets come from the package: nothing is fetched from another origin.
    staticCSP: `default-src 'self'; connect-src 'self' ${new URL(opts.publicUrl).origin}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'`,
    theme: { title: 'Switchboard API' },
    uiConfig: { deepLinking: true, displayRequestDuration: true },
  });
}

/**
 * The zod provider emits every schema with an id in both its input and output form; only those
 * the paths reach (directly or through another component) belong in the document.
 */
function keepReferencedSchemas(document: OpenAPIV3_1.Document): OpenAPIV3_1.Document {
  const schemas = document.components?.schemas ?? {};
  const kept = new Set<string>();
  const queue = [JSON.stringify(document.paths)];
  while (queue.length > 0) {
    for (const [, name] of (queue.pop() ?? '').matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name === undefined || kept.has(name) || !(name in schemas)) continue;
      kept.add(name);
      queue.push(JSON.stringify(schemas[name]));
    }
  }
  // A component's `$id` would be a fragment, which JSON Schema 2020-12 forbids; the path names it.
  const referenced = Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => kept.has(name))
      .map(([name, schema]) => {
        const plain: Record<string, unknown> = { ...schema };
        delete plain.$id;
        delete plain.$schema;
        return [name, plain];
      }),
  );
  return { ...document, components: { ...document.components, schemas: referenced } };
}
