import type { FastifyRequest } from 'fastify';

/**
 * Whether a request's `Origin` header, when present, is the gateway's own origin: PUBLIC_URL's, or
 * the Host the request was sent to (behind a TLS proxy the scheme may differ, the host does not).
 * Browsers send Origin on every cross-site state change, so a page of another site is refused
 * even if it obtained a CSRF token somehow. No Origin (curl, scripts): the CSRF token decides.
 */
export function isSameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origin === new URL(publicUrl).origin) return true;
  const host = request.headers.host;
  if (host === undefined) return false;
  try {
    // The Host read with the Origin's scheme, so a default port (`:80`, `:443`) compares equal.
    const given = new URL(origin);
    return given.host === new URL(`${given.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
