import type { OpenAPIV3_1 } from 'openapi-types';

/** How a route is reached: a project key, Meta's webhook signature, or nothing (public). */
export type Access = 'api-key' | 'meta-signature' | 'public';

/** Kapso's base URL shape (kapso-api.md §1.1): every Meta-style route answers under it as well. */
export const KAPSO_PREFIX = '/meta/whatsapp';

export const SECURITY_SCHEMES: Record<string, OpenAPIV3_1.SecuritySchemeObject> = {
  apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A project API key (`sbk_…`); when both are sent, X-API-Key wins over the bearer token.' },
  bearerAuth: { type: 'http', scheme: 'bearer', description: 'The same project API key as `Authorization: Bearer sbk_…`.' },
  metaSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Hub-Signature-256',
    description: "Meta's webhook signature: `sha256=` and the HMAC-SHA256 of the raw body with the app secret of the number the payload names.",
  },
};

/** Each route's tag and access, by the first path prefix that matches. */
const ROUTE_GROUPS: ReadonlyArray<{ prefix: RegExp; tag: string; access: Access }> = [
  { prefix: /^\/(healthz|readyz)$/, tag: 'Operations', access: 'public' },
  { prefix: /^\/webhooks\/whatsapp$/, tag: 'Meta webhooks', access: 'meta-signature' },
  { prefix: /^\/media\//, tag: 'Media files', access: 'public' },
  { prefix: /^\/platform\/v1\/whatsapp\/phone_numbers\/\{[^}]+\}\/webhooks|^\/platform\/v1\/whatsapp\/webhooks/, tag: 'Webhooks', access: 'api-key' },
  { prefix: /^\/platform\/v1\/webhook_deliveries/, tag: 'Webhook deliveries', access: 'api-key' },
  { prefix: /^\/platform\/v1\/whatsapp\/phone_numbers/, tag: 'Phone numbers', access: 'api-key' },
  { prefix: /^\/platform\/v1\/whatsapp\/broadcast/, tag: 'Broadcasts', access: 'api-key' },
  { prefix: /^\/\{version\}\/\{[^}]+\}\/messages/, tag: 'Messages', access: 'api-key' },
  { prefix: /^\/\{version\}\/(\{[^}]+\}\/)?conversations/, tag: 'Conversations', access: 'api-key' },
  { prefix: /^\/\{version\}\/\{[^}]+\}\/contacts/, tag: 'Contacts', access: 'api-key' },
  { prefix: /^\/\{version\}\/\{[^}]+\}\/(calls|call_permissions)/, tag: 'Calls', access: 'api-key' },
  { prefix: /^\/\{version\}\/\{[^}]+\}\/(flows|assets|publish|deprecate)$/, tag: 'Flows', access: 'api-key' },
  { prefix: /^\/\{version\}\/\{[^}]+\}\/message_templates/, tag: 'Templates', access: 'api-key' },
  { prefix: /^\/\{version\}\//, tag: 'Graph pass-through', access: 'api-key' },
];

export const API_TAGS: OpenAPIV3_1.TagObject[] = [
  { name: 'Messages', description: 'Send through Meta, and read stored messages back in Kapso\'s shape (`fields=kapso(...)`).' },
  { name: 'Conversations', description: 'Conversations opened by ingest, listed, read, ended and reopened.' },
  { name: 'Contacts', description: "A number's contact directory." },
  { name: 'Calls', description: 'WhatsApp Calling actions forwarded to Meta, and the call log built from its webhooks.' },
  { name: 'Templates', description: "Message templates, forwarded to Meta for the project's own WABAs." },
  { name: 'Flows', description: "WhatsApp Flows, forwarded to Meta for the project's own flows." },
  { name: 'Graph pass-through', description: "Media, phone-number settings, business profile and registration, forwarded to Meta with the number's token; Meta's answer passes through." },
  { name: 'Phone numbers', description: "Kapso's Platform API: the project's numbers." },
  { name: 'Webhooks', description: 'Subscriptions to the signed webhooks the gateway sends.' },
  { name: 'Webhook deliveries', description: 'The delivery log, redelivery.' },
  { name: 'Broadcasts', description: "Kapso's Broadcasts API and the suppression list." },
  { name: 'Meta webhooks', description: "Where Meta sends its webhooks: the verification handshake and signed events." },
  { name: 'Media files', description: 'Signed, expiring URLs of stored media files.' },
  { name: 'Operations', description: 'Liveness and readiness.' },
  { name: 'Under /meta/whatsapp', description: "Every Meta-style route again under Kapso's base URL prefix, so a Kapso base URL works with only the host changed." },
];

/** The tag and access of a route, from its OpenAPI path (`{param}` form). */
export function routeGroupOf(path: string): { tag: string; access: Access } {
  const aliased = path.startsWith(`${KAPSO_PREFIX}/`);
  const own = aliased ? path.slice(KAPSO_PREFIX.length) : path;
  const group = ROUTE_GROUPS.find((g) => g.prefix.test(own));
  if (!group) throw new Error(`No API tag for ${path}: add its group to http/openapi-tags.ts`);
  return { tag: aliased ? 'Under /meta/whatsapp' : group.tag, access: group.access };
}
