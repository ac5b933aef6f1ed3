import type { GraphErrorBody } from './error-envelope.ts';

/**
 * The one catalogue of errors Switchboard answers itself, rendered in Meta's Graph envelope by
 * http/error-handler.ts. Each factory fixes the HTTP status, Meta `code`, `type` and message so
 * that the same failure always looks the same to clients (kapso-api.md §5, meta-cloud-api.md §4).
 */
export type { GraphErrorBody };

export class GraphError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: number,
    readonly type: string,
    message: string,
    readonly details?: string,
    readonly subcode?: number,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }

  /** The `error` object of Meta's envelope; `fbtrace_id` is the request id. */
  toBody(requestId: string): GraphErrorBody {
    const body: GraphErrorBody = { message: this.message, type: this.type, code: this.code };
    if (this.subcode !== undefined) body.error_subcode = this.subcode;
    if (this.details !== undefined) body.error_data = { messaging_product: 'whatsapp', details: this.details };
    body.fbtrace_id = requestId;
    return body;
  }
}

/**
 * errors.notFound: Meta's text names the request's method ("Unsupported post request. …"), which
 * the code throwing it does not know, so the error handler renders it for the request (forMethod).
 */
export class UnknownObjectError extends GraphError {
  constructor(
    private readonly what: string,
    private readonly id: string,
    method: string,
  ) {
    super(
      404,
      100,
      'GraphMethodException',
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
      `Unknown ${what}.`,
      33,
    );
  }

  forMethod(method: string): UnknownObjectError {
    return new UnknownObjectError(this.what, this.id, method);
  }
}

export const errors = {
  /** Meta's code 100 for a bad or missing parameter; `details` names it. */
  invalidParameter(name: string, details?: string): GraphError {
    return new GraphError(400, 100, 'OAuthException', `(#100) Invalid parameter`, details ?? `Parameter '${name}' is invalid.`);
  },
  /** Unparsable request body. */
  invalidJson(details = 'The request body is not valid JSON.'): GraphError {
    return new GraphError(400, 100, 'OAuthException', '(#100) Invalid JSON', details);
  },
  /** Missing, malformed, unknown or revoked API key (Meta answers bad tokens with code 190). */
  unauthenticated(): GraphError {
    return new GraphError(401, 190, 'OAuthException', 'Invalid or missing API key', 'Send a project API key in the X-API-Key header.');
  },
  /** /metrics without the bearer token METRICS_TOKEN sets (or with another). */
  metricsUnauthenticated(): GraphError {
    return new GraphError(401, 190, 'OAuthException', 'Invalid or missing metrics token', 'Send METRICS_TOKEN as a bearer token: Authorization: Bearer <token>.', undefined, { 'www-authenticate': 'Bearer realm="metrics"' });
  },
  /** A webhook whose X-Hub-Signature-256 is missing, malformed or does not verify; details say which. */
  invalidSignature(problem: 'missing' | 'malformed' | 'mismatch' = 'mismatch'): GraphError {
    const details = {
      missing: 'X-Hub-Signature-256 is missing; Meta signs every webhook with the app secret of the number it names.',
      malformed: "X-Hub-Signature-256 is malformed: expected 'sha256=' followed by 64 hexadecimal digits.",
      mismatch: 'X-Hub-Signature-256 does not match the payload for the app secret of the phone number it names.',
    }[problem];
    return new GraphError(401, 190, 'OAuthException', 'Invalid webhook signature', details);
  },
  /** Verification handshake with an unknown verify token. */
  verifyTokenMismatch(): GraphError {
    return new GraphError(403, 10, 'OAuthException', '(#10) Verify token mismatch', 'hub.verify_token does not match any registered phone number.');
  },
  /**
   * Anything the caller may not see: unknown ids and ids of another project answer identically
   * (Meta's GraphMethodException for a nonexistent object).
   */
  notFound(what: string, id: string): GraphError {
    return new UnknownObjectError(what, id, 'GET');
  },
  /** No route matches the method and path. */
  unknownPath(method: string, path: string): GraphError {
    return new GraphError(404, 100, 'GraphMethodException', `Unknown path components: ${method} ${path}`, 'No such endpoint.');
  },
  payloadTooLarge(limitBytes: number): GraphError {
    return new GraphError(413, 100, 'OAuthException', '(#100) Request body too large', `The body exceeds ${limitBytes} bytes.`);
  },
  /** An uploaded file over the largest media Meta takes (documents, 100 MB). */
  fileTooLarge(limitBytes: number): GraphError {
    return new GraphError(413, 100, 'OAuthException', '(#100) Request body too large', `The file exceeds ${limitBytes} bytes, the largest media Meta accepts.`);
  },
  unsupportedMediaType(contentType: string | undefined): GraphError {
    return new GraphError(415, 100, 'OAuthException', '(#100) Unsupported content type', `Content-Type '${(contentType ?? '').slice(0, 100)}' is not accepted here; send application/json.`);
  },
  /** A path segment longer than any id (the router's maxParamLength). */
  uriTooLong(): GraphError {
    return new GraphError(414, 100, 'OAuthException', '(#100) URI too long', 'A path segment is longer than any id this API takes.');
  },
  /**
   * A send the gateway holds back before Meta sees it (pacing/send-governor.ts): the number's rate
   * (Meta's 130429) or this customer's pair rate (Meta's 131056) is used up for longer than the
   * request may wait. Answered 429 with Retry-After (seconds) and Kapso's burst headers.
   */
  sendThrottled(limit: 'throughput' | 'pair', retryAfterMs: number, perSecond: number): GraphError {
    const headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'x-burst-ratelimit-limit': String(perSecond), 'x-burst-ratelimit-remaining': '0' };
    return limit === 'throughput'
      ? new GraphError(429, 130429, 'OAuthException', '(#130429) Rate limit hit', `This number's send rate (${perSecond} messages per second) is in use; retry after ${retryAfterMs} ms.`, undefined, headers)
      : new GraphError(429, 131056, 'OAuthException', '(#131056) (Business Account, Consumer Account) pair rate limit hit', `Too many messages to this customer in a short time; retry after ${retryAfterMs} ms.`, undefined, headers);
  },
  conflict(details: string): GraphError {
    return new GraphError(409, 100, 'OAuthException', '(#100) Conflict', details);
  },
  /** An inbox send retried under its Idempotency-Key while the first is still in flight (docs/inbox-api.md). */
  alreadyBeingSent(): GraphError {
    return new GraphError(409, 2, 'OAuthException', 'already being sent', 'A message with this Idempotency-Key is still being sent; retry shortly.');
  },
  serviceUnavailable(details: string): GraphError {
    return new GraphError(503, 2, 'OAuthException', '(#2) Service temporarily unavailable', details);
  },
  /**
   * The database cannot be used right now (unreachable, restarting, disk full): nothing was
   * stored, and the same request may be sent again (Meta retries webhooks answered 5xx;
   * meta-cloud-api.md's code 2, "temporary downtime", answered 503).
   */
  storeUnavailable(retryAfterSeconds = 5): GraphError {
    return new GraphError(
      503,
      2,
      'OAuthException',
      '(#2) Service temporarily unavailable',
      "The gateway's store (its database) is unavailable right now; try again shortly.",
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    );
  },
  /**
   * A statement ran past its time limit and PostgreSQL cancelled it (a full-text search past
   * SEARCH_TIMEOUT_MS): nothing changed; the same request would take as long again.
   */
  statementTimedOut(): GraphError {
    return new GraphError(
      503,
      2,
      'OAuthException',
      '(#2) Service temporarily unavailable',
      'The request took too long in the store and was stopped. For a search, add words or narrow it with since/until or a conversation.',
    );
  },
  /** Meta (or the simulator) did not answer within the timeout. */
  upstreamTimeout(details = 'The Graph API did not answer in time; the request may or may not have been processed.'): GraphError {
    return new GraphError(504, 2, 'OAuthException', '(#2) Graph API timeout', details);
  },
  /** Meta (or the simulator) could not be reached at all, or dropped the connection. */
  upstreamUnavailable(details = 'The gateway could not connect to the Graph API.'): GraphError {
    return new GraphError(502, 2, 'OAuthException', '(#2) Graph API unreachable', details);
  },
  /** Meta (or what stands at its address) answered something that is not a Graph answer. */
  upstreamBadResponse(details: string): GraphError {
    return new GraphError(502, 2, 'OAuthException', '(#2) Graph API bad response', details);
  },
  /** A `/media/{id}` URL whose signature does not verify: altered, or not issued by this gateway. */
  mediaUrlInvalid(): GraphError {
    return new GraphError(403, 10, 'OAuthException', '(#10) Invalid media URL', 'The media URL was altered or was not issued by this gateway.');
  },
  /** A signed `/media/{id}` URL past its expiry. */
  mediaUrlExpired(): GraphError {
    return new GraphError(403, 10, 'OAuthException', '(#10) Media URL expired', 'Media URLs expire; read the message again for a fresh one.');
  },
  /** Media whose copy from Meta is still under way (or being retried): worth asking again shortly. */
  mediaNotCopiedYet(retryAfterSeconds: number): GraphError {
    return new GraphError(
      503,
      2,
      'OAuthException',
      '(#2) Media not available yet',
      'The gateway is still copying this media from Meta; try again shortly.',
      undefined,
      { 'retry-after': String(retryAfterSeconds) },
    );
  },
  /** Media the gateway gave up copying from Meta (gone, too large, corrupt): it will not appear by asking again. */
  mediaCopyFailed(id: string, reason: string): GraphError {
    return new GraphError(404, 100, 'GraphMethodException', `Media '${id}' could not be copied from Meta`, `The download failed for good: ${reason}.`);
  },
  /** Media whose file the retention policy deleted (`switchboard prune --media-only`): the message stays, the bytes are gone for good. */
  mediaPruned(id: string): GraphError {
    return new GraphError(404, 100, 'GraphMethodException', `Media '${id}' was pruned`, 'The file was deleted by the retention policy; the message is kept without it.');
  },
  /** A `Range` with no byte inside the file (RFC 9110 §15.5.17: 416 names the size). */
  rangeNotSatisfiable(byteSize: number): GraphError {
    return new GraphError(416, 100, 'OAuthException', '(#100) Range not satisfiable', `The file has ${byteSize} bytes.`, undefined, { 'content-range': `bytes */${byteSize}` });
  },
  /** Unexpected failures: details stay in the log, never in the answer. */
  internal(): GraphError {
    return new GraphError(500, 1, 'OAuthException', 'An unknown error occurred', 'An unexpected error occurred; the request id identifies it in the gateway log.');
  },
};
