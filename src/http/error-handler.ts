import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isStoreUnavailable } from '../db/unavailable.ts';
import { errors, GraphError, UnknownObjectError } from './errors.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { describeValidationIssue } from './validation-message.ts';

/**
 * Renders every failure in Meta's Graph envelope, in three branches: our own GraphErrors; the
 * framework's errors (validation, body size, content type, bad JSON) mapped to catalogue entries;
 * anything else logged with its stack and answered as a generic 500.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(renderError);
  app.setNotFoundHandler((request, reply) => {
    const graph = errors.unknownPath(request.method, request.url.split('?')[0] ?? '');
    void reply.code(404).send({ error: graph.toBody(request.id) });
  });
}

function renderError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const graph = toGraphError(error, request);
  if (graph.statusCode >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.debug({ code: graph.code, status: graph.statusCode }, graph.message);
  void reply.code(graph.statusCode).headers(graph.headers).send({ error: graph.toBody(request.id) });
}

/**
 * Fastify's `frameworkErrors` option: what the router refuses before any route or error handler
 * runs (a path that is not valid percent-encoding, a path parameter over maxParamLength) would
 * otherwise answer Fastify's own body.
 */
export function renderFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  // No hook ran, so the answer's X-Request-Id is set here.
  reply.header(REQUEST_ID_HEADER, request.id);
  renderError(error, request, reply);
}

function toGraphError(error: FastifyError, request: FastifyRequest): GraphError {
  if (error instanceof UnknownObjectError) return error.forMethod(request.method);
  if (error instanceof GraphError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const { parameter, details } = describeValidationIssue(error.validationContext ?? 'request', error.validation[0]);
    return errors.invalidParameter(parameter, details);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return errors.payloadTooLarge(request.routeOptions.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return errors.unsupportedMediaType(request.headers['content-type']);
    case 'FST_ERR_BAD_URL':
      return errors.invalidParameter('path', 'The path is not valid percent-encoded UTF-8.');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return errors.uriTooLong();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return errors.invalidJson();
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) return errors.invalidJson();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new GraphError(error.statusCode, 100, 'OAuthException', `(#100) ${error.message}`);
  }
  // The database down, restarting or out of disk: worth retrying, unlike a bug.
  if (isStoreUnavailable(error)) return errors.storeUnavailable();
  // PostgreSQL's query_canceled: a statement_timeout (a search past SEARCH_TIMEOUT_MS).
  if ((error as { code?: unknown }).code === '57014') return errors.statementTimedOut();
  return errors.internal();
}
