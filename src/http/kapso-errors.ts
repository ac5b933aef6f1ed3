import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isStoreUnavailable } from '../db/unavailable.ts';
import { GraphError } from './errors.ts';
import { describeValidationIssue } from './validation-message.ts';

/**
 * The refusals of the broadcast routes, with Kapso's statuses and short texts (kapso-broadcasts.md
 * §6.2: 404 "Broadcast not found", 422 for a refused transition or body, 400 "Invalid
 * parameters"), answered in Meta's envelope like every other route of the gateway: Kapso's short
 * text is the `message`, its detail `error_data.details`. Kapso's own body (`{"error": "<short>"}`)
 * is not used: one envelope for every route is what clients of this gateway parse.
 */
export class KapsoError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
    readonly code = statusCode === 401 ? 190 : statusCode >= 500 ? 2 : 100,
    readonly type = statusCode === 404 ? 'GraphMethodException' : 'OAuthException',
  ) {
    super(error);
    this.name = 'KapsoError';
  }

  toBody(requestId: string): { error: Record<string, unknown> } {
    return {
      error: {
        message: this.error,
        type: this.type,
        code: this.code,
        ...(this.detail === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details: this.detail } }),
        fbtrace_id: requestId,
      },
    };
  }
}

/** The catalogue of Kapso-shaped refusals (§6.2's table). */
export const kapsoErrors = {
  /** Unknown id, or another project's: the same answer (`"Broadcast not found"`). */
  notFound(what: string): KapsoError {
    return new KapsoError(404, `${what} not found`);
  },
  /** An operation the resource's state does not allow, or a body the contract refuses (422). */
  unprocessable(error: string, detail?: string): KapsoError {
    return new KapsoError(422, error, detail);
  },
  /** Malformed JSON (400, "Invalid parameters"). */
  invalidParameters(detail: string): KapsoError {
    return new KapsoError(400, 'Invalid parameters', detail);
  },
  internal(requestId: string): KapsoError {
    return new KapsoError(500, 'An unexpected error occurred', `Request ${requestId}; the gateway log has the details.`);
  },
};

/**
 * Makes a route scope answer every failure with Kapso's statuses and texts: its own KapsoErrors; schema
 * validation as 422 naming the parameter; malformed JSON as 400; the shared GraphErrors (401 for
 * the key, 503 for the store, 413…) with their status and text; anything else a logged 500.
 */
export function installKapsoErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const kapso = toKapsoError(error, request);
    if (kapso.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(kapso.statusCode).headers(kapso.headers).send(kapso.toBody(request.id));
  });
}

function toKapsoError(error: FastifyError, request: FastifyRequest): KapsoError {
  if (error instanceof KapsoError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const { details } = describeValidationIssue(error.validationContext ?? 'request', error.validation[0]);
    return kapsoErrors.unprocessable('Invalid parameters', details);
  }
  if (error instanceof GraphError && error.statusCode === 400) return kapsoErrors.invalidParameters(error.details ?? error.message);
  if (error instanceof GraphError) return new KapsoError(error.statusCode, error.message.replace(/^\(#\d+\) /, ''), error.details, error.headers, error.code, error.type);
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return kapsoErrors.invalidParameters('The request body is not valid JSON.');
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new KapsoError(413, 'Request body too large');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new KapsoError(415, 'Unsupported content type', 'Send application/json.');
  if (isStoreUnavailable(error)) return new KapsoError(503, 'Service temporarily unavailable', "The gateway's store is unavailable; try again shortly.", { 'retry-after': '5' });
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new KapsoError(error.statusCode, error.message);
  return kapsoErrors.internal(request.id);
}
