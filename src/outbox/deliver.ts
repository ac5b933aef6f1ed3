import { Agent, request } from 'undici';
import { BLOCKED_ADDRESS_REASON, guardedLookup, parseWebhookUrl } from '../webhooks/url-policy.ts';

/** What one HTTP attempt produced (kapso-api.md §8.5: only a 2xx answer in time is a success). */
export interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  /** `http_status`, `timeout`, `connection`, `bad_response`, `blocked_address`, `invalid_url`, `error`; null on success. */
  errorClass: string | null;
  errorMessage: string | null;
  /** The first bytes of the receiver's answer, for the delivery log. */
  responseExcerpt: string | null;
}

const EXCERPT_BYTES = 512;

/**
 * Posts signed webhook bodies. One connection pool for all receivers; every connection resolves
 * its host through the address policy, so a name that resolves to a private address is refused
 * at connect time, not only when the subscription was created: a name can resolve elsewhere
 * later (DNS rebinding).
 */
export class WebhookSender {
  private readonly agent: Agent;

  constructor(private readonly opts: { timeoutMs: number; allowPrivate: boolean }) {
    this.agent = new Agent({
      connect: { lookup: guardedLookup(opts.allowPrivate), timeout: Math.min(opts.timeoutMs, 5_000) },
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      keepAliveTimeout: 30_000,
      connections: 64,
    });
  }

  /** POSTs `body` with `headers`; never throws: failures are classified into the result. */
  async post(url: string, body: string, headers: Record<string, string>, clock: () => number): Promise<AttemptResult> {
    const started = clock();
    const parsed = parseWebhookUrl(url, { allowPrivate: this.opts.allowPrivate });
    if (!parsed.ok) return parsed.blocked ? failure(started, clock, null, 'blocked_address', BLOCKED_ADDRESS_REASON) : failure(started, clock, null, 'invalid_url', parsed.reason);
    try {
      const res = await request(parsed.url, {
        method: 'POST',
        body,
        headers,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const excerpt = await readExcerpt(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        ok,
        responseStatus: res.statusCode,
        durationMs: clock() - started,
        errorClass: ok ? null : 'http_status',
        errorMessage: ok ? null : `receiver answered ${res.statusCode}`,
        responseExcerpt: excerpt,
      };
    } catch (err) {
      const e = err as { code?: string; name?: string };
      const errorClass = classify(e);
      return failure(started, clock, null, errorClass, describe(errorClass, e, this.opts.timeoutMs));
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Classifies by undici's and Node's error codes, never by message text (style.md rule 12). */
function classify(e: { code?: string; name?: string }): string {
  switch (e.code) {
    case 'ERR_WEBHOOK_BLOCKED_ADDRESS':
      return 'blocked_address';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'connection';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'bad_response';
    default:
      if (e.name === 'HTTPParserError') return 'bad_response';
      return e.name === 'TimeoutError' || e.name === 'AbortError' ? 'timeout' : 'error';
  }
}

/**
 * The delivery log's words for a failed attempt, from the error's class and code only: the same
 * words for the same fault, and never Node's or undici's messages, which name the host and the
 * address connected to (`connect ECONNREFUSED 10.0.0.7:443`): a project must not learn about the
 * gateway's network.
 */
function describe(errorClass: string, e: { code?: string; name?: string }, timeoutMs: number): string {
  const code = e.code ?? e.name;
  const suffix = code ? ` (${code})` : '';
  switch (errorClass) {
    case 'blocked_address':
      return BLOCKED_ADDRESS_REASON;
    case 'timeout':
      return `timeout: no complete answer within ${timeoutMs} ms${suffix}`;
    case 'connection':
      return code === 'ECONNREFUSED' ? 'connection refused (ECONNREFUSED)' : `connection reset or closed before an answer${suffix}`;
    case 'bad_response':
      return `bad response: not HTTP${suffix}`;
    default:
      return `request failed (${code ?? 'unknown'})`;
  }
}

function failure(started: number, clock: () => number, status: number | null, errorClass: string, message: string): AttemptResult {
  return { ok: false, responseStatus: status, durationMs: clock() - started, errorClass, errorMessage: message.slice(0, 500), responseExcerpt: null };
}

/**
 * Reads at most EXCERPT_BYTES of the answer, then stops (closing the connection of a longer
 * one): the status has decided the outcome already, so a huge, endless or broken body neither
 * holds the attempt until the timeout nor turns an accepted delivery into a failed one.
 */
async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown; on(event: 'error', listener: () => void): unknown }): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= EXCERPT_BYTES) break;
    }
  } catch {
    // Reset, truncated or timed out after the status line: the excerpt is what came.
  } finally {
    body.on('error', () => undefined);
    body.destroy();
  }
  if (size === 0) return null;
  return Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
}
