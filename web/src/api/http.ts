// The one place the app talks HTTP: same-origin JSON with the session cookie, the CSRF header on
// every state change (docs/inbox-api.md, Conventions), and Meta's error envelope turned into an
// ApiError the screens can show.

let csrfToken: string | null = null;
let onSignedOut: (() => void) | null = null;

/** Remembers the session's CSRF token (from sign-in or GET /inbox/api/session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Called when a request answers 401 while the app holds a session: it ended (expired, revoked,
 * signed out elsewhere). Without one (a first visit, after signing out) a 401 ends nothing.
 */
export function onSessionEnded(handler: (() => void) | null): void {
  onSignedOut = handler;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly retryAfterSec: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** True when the request never reached the gateway (offline, connection refused). */
export function isNetworkError(err: unknown): boolean {
  return err instanceof TypeError;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Calls the browser API; answers the parsed JSON body (undefined for 204). */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: options.signal });
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response, payload, path);
  return payload as T;
}

function toApiError(response: Response, payload: unknown, path: string): ApiError {
  const error = (payload as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  const message = typeof error?.message === 'string' ? error.message : `The gateway answered ${response.status}`;
  // A 401 on sign-in itself is a wrong password, not an ended session; one before the session is
  // known (the first screen's requests, made beside it) or after signing out ends none either.
  if (response.status === 401 && path !== '/inbox/api/session' && csrfToken !== null) onSignedOut?.();
  return new ApiError(response.status, typeof error?.code === 'number' ? error.code : null, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

/** A query string from the defined values only. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
