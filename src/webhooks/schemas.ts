import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { parseInstantMs } from '../http/instants.ts';
import { MAX_WEBHOOK_URL_LENGTH } from './url-policy.ts';

/**
 * Request and response schemas of the webhook subscription API (kapso-api.md §8.7). Only the
 * rules that need no context live here; the ones that depend on the scope (which events, which
 * kind) and on the config (private URLs) are in settings.ts, so the CLI applies the same ones.
 */

export const MAX_CUSTOM_HEADERS = 20;

/** A header name is an RFC 9110 token. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, space and tab: no CR/LF, so a value can never smuggle another header. */
const HEADER_VALUE = /^[\t\x20-\x7E]*$/;
/**
 * Headers the gateway sets on every delivery (§8.3) and hop-by-hop headers the HTTP client
 * manages; a subscription may not override them.
 */
const RESERVED_HEADER = /^(content-type|content-length|host|user-agent|x-idempotency-key|x-batch-size|x-webhook-.*|connection|keep-alive|transfer-encoding|upgrade|expect|te|trailer)$/i;

const headersSchema = z.record(z.string(), z.string().max(1024)).superRefine((headers, ctx) => {
  const names = Object.keys(headers);
  if (names.length > MAX_CUSTOM_HEADERS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_CUSTOM_HEADERS} headers` });
  const seen = new Set<string>();
  for (const name of names) {
    const problem = headerProblem(name, headers[name] ?? '', seen);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    seen.add(name.toLowerCase());
  }
});

/** Why a custom header is refused, or null; `seen` holds the lower-cased names before it. */
function headerProblem(name: string, value: string, seen: ReadonlySet<string>): string | null {
  if (!HEADER_NAME.test(name) || name.length > 256) return `header name '${name}' is not a valid HTTP header name`;
  if (RESERVED_HEADER.test(name)) return `header '${name}' is set by the gateway and cannot be overridden`;
  if (seen.has(name.toLowerCase())) return `header '${name}' is given twice`;
  if (!HEADER_VALUE.test(value)) return `header '${name}' has a value with control or non-ASCII characters`;
  return null;
}

const eventNames = z.array(z.string().min(1).max(100)).max(50);
const inactivityMinutes = z.number().int().min(1).max(1440);

/** Every field of a `whatsapp_webhook` body; create requires `url`, update requires nothing. */
const fieldsShape = {
  url: z.string().trim().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  kind: z.enum(['kapso', 'meta']).optional(),
  events: eventNames.optional(),
  active: z.boolean().optional(),
  secret_key: z.string().min(16, 'secret_key must be at least 16 characters').max(256).optional(),
  headers: headersSchema.optional(),
  payload_version: z
    .enum(['v1', 'v2'])
    .refine((v) => v === 'v2', "payload_version 'v1' (legacy payloads) is not supported; use 'v2'")
    .optional(),
  buffer_enabled: z.boolean().optional(),
  // Kapso answers null for these while buffering is off, so clients echo null back: the default.
  buffer_window_seconds: z.number().int().min(1).max(60).nullable().optional(),
  max_buffer_size: z.number().int().min(1).max(100).nullable().optional(),
  buffer_events: eventNames.optional(),
  inactivity_minutes: inactivityMinutes.optional(),
  /** A Kapso skill example's spelling of inactivity_minutes. */
  inactive_after_minutes: inactivityMinutes.optional(),
  /** On `POST /whatsapp/webhooks`, scopes the webhook to one of the project's numbers. */
  phone_number_id: z.string().min(1).max(64).optional(),
};

/** Folds the alias into `inactivity_minutes`. */
function withoutAlias<T extends { inactivity_minutes?: number; inactive_after_minutes?: number }>(body: T) {
  const { inactive_after_minutes: alias, ...rest } = body;
  return { ...rest, inactivity_minutes: rest.inactivity_minutes ?? alias };
}

export const webhookCreateFields = z.strictObject(fieldsShape).transform(withoutAlias);

export const webhookUpdateFields = z
  .strictObject({ ...fieldsShape, url: fieldsShape.url.optional() })
  .refine((body) => Object.keys(body).length > 0, 'give at least one field to change')
  .transform(withoutAlias);

export type WebhookCreateInput = z.output<typeof webhookCreateFields>;
export type WebhookUpdateInput = z.output<typeof webhookUpdateFields>;

/** Path ids: any string is looked up, and an unknown one answers 404 like a foreign one. */
const idParam = z.string().min(1).max(128);

const numberParams = z.object({ phone_number_id: idParam });
const itemParams = z.object({ webhook_id: idParam, phone_number_id: idParam.optional() });

const isoInstant = z.string().transform((value, ctx) => {
  const ms = parseInstantMs(value);
  if (ms === null) ctx.addIssue({ code: 'custom', message: `'${value}' is not an ISO 8601 instant` });
  return ms ?? 0;
});

const listQueryShape = {
  url_contains: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  created_after: isoInstant.optional(),
  created_before: isoInstant.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
};

/** The §8.7 object; as the response schema it is also the serializer, so no column leaks. */
export const webhookObject = z.object({
  id: z.string(),
  url: z.string(),
  kind: z.enum(['kapso', 'meta']),
  events: z.array(z.string()),
  active: z.boolean(),
  secret_key: z.string(),
  headers: z.record(z.string(), z.string()),
  payload_version: z.string(),
  buffer_enabled: z.boolean(),
  buffer_window_seconds: z.number().int(),
  max_buffer_size: z.number().int(),
  buffer_events: z.array(z.string()),
  inactivity_minutes: z.number().int(),
  phone_number_id: z.string().nullable(),
  project_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  /** Ours: paused after failing continuously, until resumed with `active: true`. */
  paused: z.boolean(),
  paused_at: z.string().nullable(),
});

export type WebhookObject = z.infer<typeof webhookObject>;

const single = z.object({ data: webhookObject });
const page = z.object({
  data: z.array(webhookObject),
  meta: z.object({ page: z.number(), per_page: z.number(), total_pages: z.number(), total_count: z.number() }),
});

export const createNumberWebhookSchema = {
  params: numberParams,
  body: z.strictObject({ whatsapp_webhook: webhookCreateFields }),
  response: { 201: single },
};

export const createProjectWebhookSchema = {
  body: z.strictObject({ whatsapp_webhook: webhookCreateFields }),
  response: { 201: single },
};

export const listNumberWebhooksSchema = {
  params: numberParams,
  querystring: z.object(listQueryShape).loose(),
  response: { 200: page },
};

export const listProjectWebhooksSchema = {
  querystring: z.object({ ...listQueryShape, phone_number_id: idParam.optional() }).loose(),
  response: { 200: page },
};

export const getWebhookSchema = { params: itemParams, response: { 200: single } };

export const updateWebhookSchema = {
  params: itemParams,
  body: z.strictObject({ whatsapp_webhook: webhookUpdateFields }),
  response: { 200: single },
};

// 204 has no body: described for the OpenAPI document, and typed open so the handler sends none.
const noContent: Record<number, z.ZodType<unknown>> = { 204: documentedOnly(z.null().meta({ description: 'Deleted.' })) };

export const deleteWebhookSchema = { params: itemParams, response: noContent };
