import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header a request id is taken from and answered in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What domain code called by a route knows of the request it serves (a FastifyRequest is one):
 * its id, to send to Meta, and the fields it adds to the request's log line (log-url.ts).
 */
export interface RequestTrace {
  readonly id: string;
  logDetail: Record<string, unknown> | null;
}

/** One to 128 printable ASCII characters: safe to echo in a header, a log line and an envelope. */
const ACCEPTABLE = /^[\x20-\x7e]{1,128}$/;

/** Whether a client's `X-Request-Id` is kept as the request's id. Pure. */
export function isAcceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && ACCEPTABLE.test(value);
}

/**
 * Fastify's `genReqId`: the client's `X-Request-Id` when it is acceptable (a caller or a proxy in
 * front already names the request: keep its name so both logs agree), else a fresh UUID. A bad
 * one (too long, empty, control or non-ASCII characters) is replaced, not refused: a
 * request id is for following a request, never a reason to fail it.
 */
export function requestIdOf(raw: IncomingMessage): string {
  const given = raw.headers[REQUEST_ID_HEADER];
  return isAcceptableRequestId(given) ? given : randomUUID();
}
