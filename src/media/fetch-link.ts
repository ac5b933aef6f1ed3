import { Agent, type Dispatcher, request } from 'undici';
import { BLOCKED_ADDRESS_CODE, BLOCKED_ADDRESS_REASON, guardedLookup, parseWebhookUrl } from '../webhooks/url-policy.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { MediaDownloadResult } from './download.ts';
import { atHost, classifyLinkStatus, classifyNetworkError, type MediaFailure, permanent } from './failures.ts';
import { baseMimeType, maxBytesForKind } from './limits.ts';
import { storeResponseBody } from './store-body.ts';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// What object stores answer for "no idea": the bytes decide instead.
const UNANNOUNCED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * Mirrors the media of an outbound message sent by `link` (kapso-api.md §6.1.1, item 6): fetched
 * straight from the sender's server, streamed into the blob store under the limit of the
 * message's media kind. The link is chosen by an API caller and fetched by the gateway, so it
 * goes through the webhooks' address policy (webhooks/url-policy.ts): checked as a URL, and again
 * on every address connected to, redirects included; WEBHOOK_ALLOW_PRIVATE_URLS lifts it.
 */
export class LinkFetcher {
  private readonly agent: Agent;

  constructor(private readonly opts: { timeoutMs: number; allowPrivate: boolean }) {
    this.agent = new Agent({ connect: { lookup: guardedLookup(opts.allowPrivate), timeout: Math.min(opts.timeoutMs, 5_000) }, connections: 8 });
  }

  /**
   * Fetches `link` for a message of media kind `kind` (`image`, `document`…) into the store;
   * `onHost` is told each host (redirects too) that passed the address policy before it is asked.
   */
  async fetch(link: string, kind: string, store: BlobStore, signal?: AbortSignal, onHost?: (host: string) => void): Promise<MediaDownloadResult> {
    const maxBytes = maxBytesForKind(kind);
    let url = link;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const parsed = parseWebhookUrl(url, { allowPrivate: this.opts.allowPrivate });
      // A refused address is not named: the failure reason is shown to API clients.
      if (!parsed.ok) return permanent(`link refused: ${parsed.blocked ? BLOCKED_ADDRESS_REASON : parsed.reason}`);
      onHost?.(parsed.url.host);
      const response = await this.get(parsed.url, signal);
      if ('ok' in response) return response;
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode) && typeof location === 'string') {
        await response.body.dump();
        url = new URL(location, parsed.url).toString();
        continue;
      }
      return this.store(parsed.url, response, kind, maxBytes, store);
    }
    return permanent(`link redirected more than ${MAX_REDIRECTS} times`);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async get(url: URL, signal: AbortSignal | undefined): Promise<Dispatcher.ResponseData | MediaFailure> {
    try {
      // bodyTimeout bounds the silence between chunks; `signal` (the worker's deadline) the whole transfer.
      return await request(url, { method: 'GET', dispatcher: this.agent, headersTimeout: this.opts.timeoutMs, bodyTimeout: this.opts.timeoutMs, ...(signal ? { signal } : {}) });
    } catch (err) {
      if ((err as { code?: unknown }).code === BLOCKED_ADDRESS_CODE) return permanent(`link refused: ${BLOCKED_ADDRESS_REASON}`);
      const failure = classifyNetworkError(err);
      if (failure) return atHost(url, failure);
      throw err;
    }
  }

  private async store(url: URL, response: Dispatcher.ResponseData, kind: string, maxBytes: number, store: BlobStore): Promise<MediaDownloadResult> {
    try {
      if (response.statusCode < 200 || response.statusCode >= 300) return atHost(url, classifyLinkStatus(response.statusCode));
      const length = header(response.headers['content-length']);
      const byteSize = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
      if (byteSize !== undefined && byteSize > maxBytes) return permanent(`link announced ${byteSize} bytes, over the ${maxBytes}-byte limit for ${kind}`);
      const announced = baseMimeType(header(response.headers['content-type']) ?? '');
      const mimeType = UNANNOUNCED.has(announced) ? '' : announced;
      const outcome = await storeResponseBody(response.body, { mimeType, byteSize, maxBytes }, store);
      if (!outcome.ok) return { ok: false, transient: outcome.transient, reason: outcome.reason };
      return { ...outcome, mimeType: mimeType || outcome.contentType };
    } finally {
      // A body left unread (refused status, announced too large) errors as it is destroyed.
      response.body.on('error', () => undefined).destroy();
    }
  }
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
