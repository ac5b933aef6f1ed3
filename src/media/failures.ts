/**
 * Why a media download failed, and whether trying again later can help. Classified by HTTP
 * status, Meta error `code` and undici/Node error `code`s, never by message text (style.md §12).
 * Pure.
 */
export interface MediaFailure {
  ok: false;
  /** True when a later attempt may succeed (5xx, network, timeouts, an expired URL, a rejected token). */
  transient: boolean;
  reason: string;
  /** Worth fetching a fresh URL and trying once more right away (an expired URL, bytes that do not match). */
  refetch?: boolean;
  /** The error behind it, for the log. */
  cause?: unknown;
}

export const transient = (reason: string, cause?: unknown): MediaFailure => ({ ok: false, transient: true, reason, ...(cause ? { cause } : {}) });
export const permanent = (reason: string, cause?: unknown): MediaFailure => ({ ok: false, transient: false, reason, ...(cause ? { cause } : {}) });

/** Meta codes that mean "not now": unknown/service errors and rate limits (meta-cloud-api.md §4.2). */
const RETRYABLE_META_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429]);
/** Meta refuses media over its size limit (inbound: 100 MB). */
const TOO_LARGE_META_CODE = 131052;
/** An invalid or expired access token: the operator can fix it while the media id still lives (7 days). */
const TOKEN_META_CODE = 190;

/** A failed `GET /{media_id}`: what Meta's status and error code say about trying again. */
export function classifyMetadataFailure(status: number, code: number | undefined): MediaFailure {
  const what = `GET /{media-id} answered ${status}${code !== undefined ? ` (code ${code})` : ''}`;
  if (code === TOO_LARGE_META_CODE) return permanent(`media too large at Meta: ${what}`);
  if (status === 401 || code === TOKEN_META_CODE) return transient(`access token rejected: ${what}`);
  if (status === 429 || status >= 500 || (code !== undefined && RETRYABLE_META_CODES.has(code))) return transient(what);
  // 400 code 100 subcode 33 (unknown id), 404, 403: the media is gone or never was ours.
  return permanent(`media unavailable: ${what}`);
}

/**
 * A failed GET of the download URL. Meta answers 404 once the URL's 5 minutes are over
 * (meta-cloud-api.md §3: "refetch the URL"), so 403/404/410 ask for a fresh URL; when a fresh
 * one fails too, a later attempt may still succeed.
 */
export function classifyDownloadStatus(status: number): MediaFailure {
  const what = `download answered ${status}`;
  if (status === 403 || status === 404 || status === 410) return { ...transient(`download URL expired or refused: ${what}`), refetch: true };
  if (status === 401) return transient(`access token rejected: ${what}`);
  if (status === 429 || status >= 500) return transient(what);
  return permanent(what);
}

/**
 * A failed GET of an outbound message's `link`: the sender's server is asked directly, so only
 * its "not now" answers (408, 425, 429, 5xx) are worth another attempt; a missing or refused
 * file stays missing.
 */
export function classifyLinkStatus(status: number): MediaFailure {
  const what = `link answered ${status}`;
  if (status === 408 || status === 425 || status === 429 || status >= 500) return transient(what);
  return permanent(what);
}

/**
 * A download stopped at its overall deadline (deadline.ts): the reason its transfer is aborted
 * with, so that whatever the abort surfaces as carries this code.
 */
export class DownloadDeadlineError extends Error {
  readonly code = 'MEDIA_DOWNLOAD_DEADLINE';
  constructor(readonly deadlineMs: number) {
    super(`the download did not finish within its ${deadlineMs} ms deadline`);
    this.name = 'DownloadDeadlineError';
  }
}

/** A download cut off at its deadline: worth another attempt later (the link may be faster then). */
export function deadlineExceeded(deadlineMs: number): MediaFailure {
  return transient(`timed out: the download did not finish within its ${formatSeconds(deadlineMs)} deadline`);
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Error codes of undici and Node that mean the network or the peer failed, not the request. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** A transient failure for a network error, or undefined for anything else. */
export function classifyNetworkError(err: unknown): MediaFailure | undefined {
  if (err instanceof DownloadDeadlineError) return deadlineExceeded(err.deadlineMs);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NETWORK_CODES.has(code) ? transient(`network error ${code}`, err) : undefined;
}

/**
 * A failure of a request to a public host, naming the host it tried (`lookaside.fbsbx.com: download
 * answered 503`) so an operator knows where to look. Never for an address the policy refused:
 * those say only BLOCKED_ADDRESS_REASON (webhooks/url-policy.ts).
 */
export function atHost(url: string | URL, failure: MediaFailure): MediaFailure {
  const host = typeof url === 'string' ? URL.canParse(url) && new URL(url).host : url.host;
  return host ? { ...failure, reason: `${host}: ${failure.reason}` } : failure;
}
