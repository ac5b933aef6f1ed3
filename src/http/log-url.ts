import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Fields a route adds to its request's one log line (app.ts's onResponse), such as the wamids
     * a webhook stored: one line per request says what it did, without a second line per request.
     * Null for most routes.
     */
    logDetail: Record<string, unknown> | null;
  }
}

/**
 * Routes whose query string is a credential: `GET /webhooks/whatsapp` carries `hub.verify_token`,
 * a signed media URL (`/media/{id}?expires=…&signature=…`) is the credential for its file. Their
 * request lines are logged as the path only.
 */
const CREDENTIAL_QUERY_PATHS = [/^\/webhooks\/whatsapp\/?$/, /^\/media\//, /^\/meta\/whatsapp\/media_download\/?$/];

/** Parameters that are credentials on any route (a stray `?access_token=` on a Graph route). */
const SECRET_PARAMS = new Set(['access_token', 'hub.verify_token', 'signature', 'token', 'api_key', 'appsecret_proof']);

const SIGN_IN_LINK_PATH = '/inbox/sign-in/';

/**
 * A request URL as it may appear in the logs (style.md §17: no secrets in logs): the path alone
 * for the routes above, else the URL with the value of every secret parameter replaced. Pure.
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  // The team inbox's one-time sign-in links carry their token in the path.
  if (isSignInLinkPath(path)) return `${SIGN_IN_LINK_PATH}[redacted]`;
  if (mark === -1) return url;
  if (CREDENTIAL_QUERY_PATHS.some((p) => p.test(path))) return path;
  const query = url.slice(mark + 1);
  const kept = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      name = rawName;
    }
    return SECRET_PARAMS.has(name) ? `${rawName}=[redacted]` : pair;
  });
  return `${path}?${kept.join('&')}`;
}

/**
 * Whether a path is a sign-in link however it is spelled: the router decodes `%73ign-in` to the
 * route, and a mistyped casing or doubled slash (a 404) still carries a live token.
 */
function isSignInLinkPath(path: string): boolean {
  if (path.startsWith(SIGN_IN_LINK_PATH)) return true;
  let decoded = path;
  if (path.includes('%')) {
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // Not decodable: compared as sent.
    }
  }
  return decoded.replace(/\/{2,}/g, '/').toLowerCase().startsWith(SIGN_IN_LINK_PATH);
}

/** Fastify's `req` serializer, with the URL made loggable: for any `{ req }` a log line carries. */
export function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: loggableUrl(request.url), host: request.host, remoteAddress: request.ip };
}
