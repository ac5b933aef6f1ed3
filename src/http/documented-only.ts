import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler, validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Schemas that describe a request or response in the OpenAPI document (http/openapi.ts) without
 * being run on it. A route schema is otherwise both check and serializer: a response schema
 * parses every answer, dropping the keys it does not name. That is wrong for open shapes such as a
 * stored Meta message (any key Meta sends passes through) and costs a parse per object on the
 * history reads; a pass-through body is Meta's to judge, multipart included. Tests hold these
 * schemas to the truth instead (test/http/sample-responses-match-the-openapi-document.test.ts).
 */
const documentedOnlySchemas = z.registry();

/** Marks a zod schema as documentation: the compilers below neither validate nor serialize with it. */
export function documentedOnly<T extends z.ZodType>(schema: T): T {
  documentedOnlySchemas.add(schema);
  return schema;
}

function isDocumentedOnly(schema: unknown): boolean {
  if (schema instanceof z.ZodType) return documentedOnlySchemas.has(schema);
  // Fastify may wrap a response schema as `{ properties: schema }` (as the zod provider reads it).
  const wrapped = (schema as { properties?: unknown } | null)?.properties;
  return wrapped instanceof z.ZodType && documentedOnlySchemas.has(wrapped);
}

/**
 * The zod provider's validator, except for documented-only schemas: those pass anything and leave
 * the request part as parsed (an absent body stays undefined, as on a route with no schema).
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => (isDocumentedOnly(route.schema) ? () => true : zodValidatorCompiler(route));

/** The zod provider's serializer, except for documented-only schemas: plain JSON, as with no schema. */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType | { properties: z.ZodType }> = (route) =>
  isDocumentedOnly(route.schema) ? (data: unknown) => JSON.stringify(data) : zodSerializerCompiler(route);
