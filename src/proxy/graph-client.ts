import { Agent, request } from 'undici';
import { errors } from '../http/errors.ts';
import type { GraphPath } from './graph-path.ts';

export interface GraphCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the origin (e.g. `/v24.0/123/messages`), query included: made by graphPath only. */
  path: GraphPath;
  /** The number's Meta access token, sent as a bearer. */
  token: string;
  body?: Buffer | string;
  contentType?: string;
}

export interface GraphResponse {
  statusCode: number;
  contentType: string | undefined;
  body: Buffer;
}

/** undici error codes that mean the Graph API was never reached (answer 502). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** undici error codes for an answer that did not come in time (answer 504). */
const TIMED_OUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The gateway's client for Meta's Graph API (or the simulator): one pooled undici agent with
 * explicit timeouts. Failures are classified by undici's error `code`, never by message text.
 */
export class GraphClient {
  private readonly agent: Agent;

  constructor(private readonly opts: { timeoutMs: number; connectTimeoutMs: number }) {
    this.agent = new Agent({
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: opts.connectTimeoutMs },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  /** Performs one Graph call and returns Meta's answer as it came, whatever its status. */
  async call(origin: string, call: GraphCall): Promise<GraphResponse> {
    try {
      const res = await request(`${origin}${call.path}`, {
        method: call.method,
        dispatcher: this.agent,
        headers: {
          authorization: `Bearer ${call.token}`,
          ...(call.contentType ? { 'content-type': call.contentType } : {}),
        },
        body: call.body,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      const contentType = res.headers['content-type'];
      return { statusCode: res.statusCode, contentType: Array.isArray(contentType) ? contentType[0] : contentType, body };
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (TIMED_OUT.has(code)) throw errors.upstreamTimeout();
      if (UNREACHABLE.has(code)) throw errors.upstreamUnavailable();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
