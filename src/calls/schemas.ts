import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { instantParam, pageQueryShape, pagingSchema, phoneNumberParams } from '../http/list-schemas.ts';
import { metaAnswerResponses } from '../http/pass-through-schemas.ts';
import { CALL_DIRECTIONS, CALL_STATUSES } from './call-status.ts';

/**
 * Request schemas of the calling routes (kapso-api.md §6.7). The gateway checks what each
 * `action` requires before anything reaches Meta; the rest is Meta's to judge, and unknown keys
 * are forwarded as sent.
 */

/** WebRTC session description: an SDP offer or answer (RFC 8866 text). */
const session = z.looseObject({ sdp_type: z.string().min(1).max(16), sdp: z.string().min(1) });
/** Meta's call ids (`wacid.…`) are a few dozen characters; the bound only stops abuse. */
const callId = z.string().min(1).max(256);
const product = z.literal('whatsapp');
const opaque = z.string().max(512);

const connect = z
  .looseObject({
    messaging_product: product,
    action: z.literal('connect'),
    to: z.string().trim().min(1).max(256).optional(),
    recipient: z.string().trim().min(1).max(256).optional(),
    session: session.optional(),
    biz_opaque_callback_data: opaque.optional(),
  })
  // A phone number, a business-scoped user id, or both (the SDK checks the same).
  .refine((body) => body.to !== undefined || body.recipient !== undefined, { path: ['to'], message: 'give to (a phone number) or recipient (a business-scoped user id)' });

const preAccept = z.looseObject({ messaging_product: product, action: z.literal('pre_accept'), call_id: callId, session });
const accept = z.looseObject({ messaging_product: product, action: z.literal('accept'), call_id: callId, session, biz_opaque_callback_data: opaque.optional() });
const reject = z.looseObject({ messaging_product: product, action: z.literal('reject'), call_id: callId });
const terminate = z.looseObject({ messaging_product: product, action: z.literal('terminate'), call_id: callId });

/** `POST /{phone_number_id}/calls`: told apart by `action`, so a failure names the field of the action meant. */
export const callActionSchema = {
  params: phoneNumberParams,
  body: z.discriminatedUnion('action', [connect, preAccept, accept, reject, terminate]),
  response: metaAnswerResponses,
};

export type CallActionBody = z.infer<typeof callActionSchema.body>;

/** `GET /{phone_number_id}/call_permissions?user_wa_id=…`. */
export const callPermissionsSchema = {
  params: phoneNumberParams,
  querystring: z.looseObject({ user_wa_id: z.string().trim().min(1).max(256) }),
  response: metaAnswerResponses,
};

/** Meta's answer to a `connect`: the new call's id. */
export const connectAnswerSchema = z.looseObject({ calls: z.array(z.looseObject({ id: callId })).min(1) });

/** A word of a closed vocabulary, compared case-insensitively (the SDK's test sends `INBOUND`). */
function anyCase<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((raw) => raw.toLowerCase())
    .pipe(z.enum(values));
}

const instant = z.iso.datetime({ offset: true });

/** A call of the log (kapso-api.md §6.7.2). */
export const callObjectSchema = documentedOnly(
  z
    .object({
      id: z.string(),
      call_id: z.string(),
      direction: z.enum(CALL_DIRECTIONS),
      status: z.enum(CALL_STATUSES),
      duration_seconds: z.number().int().nullable(),
      started_at: instant,
      ended_at: instant.nullable(),
      session_started_at: instant.nullable(),
      created_at: instant,
      updated_at: instant,
      user_wa_id: z.string().nullable(),
      whatsapp_contact_id: z.string().nullable(),
      whatsapp_conversation_id: z.string().nullable(),
      biz_opaque_callback_data: z.string().nullable(),
      project_id: z.string(),
      whatsapp_config_id: z.string(),
      config_display_phone_number: z.string(),
      phone_number_id: z.string(),
      whatsapp_contact: z.object({ id: z.string(), wa_id: z.string(), profile_name: z.string().nullable(), display_name: z.string().nullable() }).nullable(),
    })
    .meta({ id: 'Call' }),
);

export type CallObject = z.infer<typeof callObjectSchema>;

/** `GET /{phone_number_id}/calls` (kapso-api.md §6.7.2). */
export const listCallsSchema = {
  params: phoneNumberParams,
  querystring: z.looseObject({
    ...pageQueryShape,
    direction: anyCase(CALL_DIRECTIONS).optional(),
    status: anyCase(CALL_STATUSES).optional(),
    since: instantParam.optional(),
    until: instantParam.optional(),
    call_id: callId.optional(),
  }),
  response: { 200: documentedOnly(z.object({ data: z.array(callObjectSchema), paging: pagingSchema })) },
};
