import type { Agent, FormData } from 'undici';
import { errors, GraphError } from '../http/errors.ts';
import type { GraphPath } from './graph-path.ts';
import { REQUEST_ID_HEADER } from '../http/request-id.ts';

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the origin (e.g. `/v24.0/123/messages`), query included: made by graphPath only. */
  path: GraphPath;
  /** The number's Meta access token, sent as a bearer. */
  token: string;
  /** A FormData is sent as multipart, its files streamed, under its own content type. */
  body?: Buffer | string | FormData;
  contentType?: string;
  /** The id of the gateway request this call serves, sent as X-Request-Id; none for background work. */
  requestId?: string | undefined;
}

export interface GraphResponse {
  statusCode: number;
  contentType: string | undefined;
  body: Buffer;
}

/** Largest Graph answer read: Graph answers are JSON objects, a page of templates a few hundred KB. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * What a failed call tells the client, by undici's and Node's error `code` (or the standard
 * `name` of an abort and a parser error), never by message text. The envelope's `error_data`
 * names the origin and the fault. A request that reached Meta may have been processed whatever
 * happened after, which the details say.
 */
const MAYBE = 'the request may or may not have been processed';
const FAULTS: Readonly<Record<string, (o: string, timeoutMs: number) => GraphError>> = {
  ECONNREFUSED: (o) => errors.upstreamUnavailable(`${o}: connection refused`),
  ENOTFOUND: (o) => errors.upstreamUnavailable(`${o}: host not found`),
  EAI_AGAIN: (o) => errors.upstreamUnavailable(`${o}: host not found (DNS temporarily failing)`),
  EHOSTUNREACH: (o) => errors.upstreamUnavailable(`${o}: host unreachable`),
  ENETUNREACH: (o) => errors.upstreamUnavailable(`${o}: network unreachable`),
  UND_ERR_CONNECT_TIMEOUT: (o) => errors.upstreamUnavailable(`${o}: connection timed out`),
  ECONNRESET: (o) => errors.upstreamUnavailable(`${o}: connection reset; ${MAYBE}`),
  EPIPE: (o) => errors.upstreamUnavailable(`${o}: connection reset; ${MAYBE}`),
  UND_ERR_SOCKET: (o) => errors.upstreamUnavailable(`${o}: connection closed before the answer was complete; ${MAYBE}`),
  UND_ERR_CLOSED: (o) => errors.upstreamUnavailable(`${o}: connection closed; ${MAYBE}`),
  UND_ERR_HEADERS_TIMEOUT: (o, ms) => errors.upstreamTimeout(`${o}: timeout (no answer within ${ms} ms); ${MAYBE}`),
  UND_ERR_BODY_TIMEOUT: (o, ms) => errors.upstreamTimeout(`${o}: timeout (the answer stalled for ${ms} ms); ${MAYBE}`),
  TimeoutError: (o, ms) => errors.upstreamTimeout(`${o}: timeout (no complete answer within ${ms} ms); ${MAYBE}`),
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: (o) => errors.upstreamBadResponse(`${o}: bad response (shorter or longer than announced); ${MAYBE}`),
  UND_ERR_RES_EXCEEDED_MAX_SIZE: (o) => errors.upstreamBadResponse(`${o}: bad response (over ${MAX_ANSWER_BYTES} bytes); ${MAYBE}`),
  HTTPParserError: (o) => errors.upstreamBadResponse(`${o}: bad response (not HTTP); ${MAYBE}`),
};

/** Faults that happen before a byte of the request leaves: Meta cannot have acted on it. */
const BEFORE_SENDING: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** The errors classifyGraphFailure made of such faults. */
const unsent = new WeakSet<GraphError>();

/** The envelope error for a failed call, or undefined for what is not a network fault (a bug). */
export function classifyGraphFailure(err: unknown, origin: string, timeoutMs: number): GraphError | undefined {
  const e = err as { code?: unknown; name?: unknown } | null;
  const key = typeof e?.code === 'string' && e.code in FAULTS ? e.code : typeof e?.name === 'string' && e.name in FAULTS ? e.name : undefined;
  const failure = key === undefined ? undefined : FAULTS[key]?.(originOnly(origin), timeoutMs);
  if (failure && key !== undefined && BEFORE_SENDING.has(key)) unsent.add(failure);
  return failure;
}

/**
 * Whether a failed call certainly never reached Meta (no connection was made), so that repeating
 * it cannot do its work twice; every other failure may have been processed.
 */
export function failedBeforeSending(err: unknown): boolean {
  return err instanceof GraphError && unsent.has(err);
}

/**
 * The gateway's client for Meta's Graph API (or the simulator): one pooled undici agent with
 * explicit timeouts. `META_TIMEOUT_MS` bounds each call as a whole (an answer that drips a byte
 * at a time included), and answers are read up to MAX_ANSWER_BYTES. Every failure, and an answer
 * that is not JSON (or an error status without Graph's `error` object), becomes a 502/504 in
 * Meta's envelope (classifyGraphFailure). undici is loaded by the first call: every one-shot CLI
 * command builds a client, few call Meta, and loading undici was an eighth of their start-up.
 */
export class GraphClient {
  private pool: Promise<{ agent: Agent; request: typeof import('undici').request }> | null = null;

  constructor(private readonly opts: { timeoutMs: number; connectTimeoutMs: number }) {}

  private connected() {
    this.pool ??= import('undici').then(({ Agent, request }) => ({
      agent: new Agent({
        connections: 128,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.opts.connectTimeoutMs },
        headersTimeout: this.opts.timeoutMs,
        bodyTimeout: this.opts.timeoutMs,
        maxResponseSize: MAX_ANSWER_BYTES,
      }),
      request,
    }));
    return this.pool;
  }

  /** Performs one Graph call and returns Meta's answer as it came, whatever its status. */
  async call(origin: string, call: GraphCall): Promise<GraphResponse> {
    let answer: GraphResponse;
    const { agent, request } = await this.connected();
    try {
      const res = await request(`${origin}${call.path}`, {
        method: call.method,
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${call.token}`,
          ...(call.contentType ? { 'content-type': call.contentType } : {}),
          ...(call.requestId ? { [REQUEST_ID_HEADER]: call.requestId } : {}),
        },
        body: call.body,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      // undici counts the limit as bytes arrive; an announced size over it is refused unread.
      if (Number(res.headers['content-length']) > MAX_ANSWER_BYTES) {
        res.body.on('error', () => undefined).destroy();
        throw Object.assign(new Error('announced answer over the limit'), { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' });
      }
      const body = Buffer.from(await res.body.arrayBuffer());
      const contentType = res.headers['content-type'];
      answer = { statusCode: res.statusCode, contentType: Array.isArray(contentType) ? contentType[0] : contentType, body };
    } catch (err) {
      throw classifyGraphFailure(err, origin, this.opts.timeoutMs) ?? err;
    }
    const fault = answerFault(answer);
    if (fault) throw errors.upstreamBadResponse(`${originOnly(origin)}: bad response (${fault}); ${MAYBE}`);
    return answer;
  }

  async close(): Promise<void> {
    if (this.pool) await (await this.pool).agent.close();
  }
}

/** Why an answer is not one Graph gives (every Graph answer is JSON; errors carry `error`), or undefined. */
function answerFault(answer: GraphResponse): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return `status ${answer.statusCode} with a body that is not JSON`;
  }
  const ok = answer.statusCode >= 200 && answer.statusCode < 300;
  if (ok && (typeof parsed !== 'object' || parsed === null)) return `status ${answer.statusCode} with a body that is not a JSON object`;
  if (!ok && typeof (parsed as { error?: unknown } | null)?.error !== 'object') return `status ${answer.statusCode} without Graph's error object`;
  return undefined;
}

/** `https://graph.facebook.com` of a configured origin: never a path, query or credentials. */
function originOnly(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return 'the Graph API';
  }
}
