import { errors } from '../http/errors.ts';

/**
 * The path and query of one Graph call, made only by graphPath: every Graph call the gateway
 * makes with a stored Meta token goes through it (graph-client.ts takes nothing else), so no
 * client-chosen value can reach another Graph path than the one the route means: a value pasted
 * in undecoded would let a `..%2F` segment reach any Graph object.
 */
export type GraphPath = string & { readonly __graphPath: unique symbol };

/** A Graph version segment (`v24.0`): clients pin different ones (kapso-api.md §1.1). */
const VERSION = /^v\d{1,3}\.\d{1,3}$/;
/** Phone number, WABA, media and template ids are numeric strings (meta-cloud-api.md §5.7). */
const GRAPH_ID = /^\d{1,32}$/;

/** Whether a client-given id has the shape of a Meta object id (digits only). */
export function isGraphId(value: unknown): value is string {
  return typeof value === 'string' && GRAPH_ID.test(value);
}

/**
 * `/{version}/{segment}/…?{query}` with each segment percent-encoded on its own (a `/`, `?`,
 * `#`, `%` or `\` in a value stays inside its segment) and the query serialised by
 * URLSearchParams (a value cannot add a parameter). Segments the URL parser would resolve as
 * `.`/`..` (also written `%2e`) or empty ones are refused, as is a version not shaped `vN.N`.
 */
export function graphPath(version: string, segments: readonly string[], query: Readonly<Record<string, string>> = {}): GraphPath {
  if (!VERSION.test(version)) throw errors.invalidParameter('version', 'The Graph version must look like v24.0.');
  const encoded = segments.map((segment) => {
    if (segment === '' || /^(\.|%2e)+$/i.test(segment)) throw errors.invalidParameter('id', 'Path segments must be ids or edge names.');
    return encodeURIComponent(segment);
  });
  const search = new URLSearchParams(Object.entries(query)).toString();
  return `/${version}/${encoded.join('/')}${search ? `?${search}` : ''}` as GraphPath;
}

/**
 * Parameters Graph reads on any call that would change whose power or which operation a call
 * uses (the token, its proof, the method override, JSONP): never forwarded, from the query or
 * a JSON body, because the gateway calls with the number's own token.
 */
const RESERVED = new Set(['access_token', 'appsecret_proof', 'appsecret_time', 'method', 'suppress_http_code', 'callback', 'batch']);

/**
 * The query a pass-through route forwards: only the parameters it names (what Meta documents for
 * that endpoint), each once. A reserved one is refused (400) so a client learns the gateway
 * authenticates for it; any other unknown one is dropped. A parameter given twice is refused:
 * the gateway and Meta could read different copies.
 */
export function forwardedQuery(query: unknown, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (RESERVED.has(name)) throw errors.invalidParameter(name, `Parameter '${name}' cannot be sent through the gateway; it calls Meta with the number's own token.`);
    if (!allowed.includes(name)) continue;
    if (typeof value !== 'string') throw errors.invalidParameter(name, `Parameter '${name}' must be given once.`);
    out[name] = value;
  }
  return out;
}

/** Refuses a JSON body whose top level carries a reserved Graph parameter (see RESERVED). */
export function assertNoReservedFields(body: unknown): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || Buffer.isBuffer(body)) return;
  for (const name of Object.keys(body)) {
    if (RESERVED.has(name)) throw errors.invalidParameter(name, `Parameter '${name}' cannot be sent through the gateway; it calls Meta with the number's own token.`);
  }
}
