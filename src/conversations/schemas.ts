import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { bsuidParam, customerPhoneParam, instantParam, pageQueryShape, pagingSchema, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the conversation routes (kapso-api.md §6.2). */

const instant = z.iso.datetime({ offset: true });

/** The conversation object (kapso-api.md §6.2) with §2.5's `kapso` block; `fields` may leave out any key but `id`. */
export const conversationObjectSchema = documentedOnly(
  z
    .object({
      id: z.string(),
      phone_number: z.string().nullable().meta({ description: "The customer's wa_id; null for a customer known only by BSUID." }),
      business_scoped_user_id: z.string().nullable(),
      parent_business_scoped_user_id: z.string().nullable(),
      username: z.string().nullable(),
      status: z.enum(['active', 'ended']),
      last_active_at: instant,
      created_at: instant,
      updated_at: instant,
      whatsapp_config_id: z.string(),
      phone_number_id: z.string(),
      metadata: z.record(z.string(), z.unknown()),
      kapso: z
        .object({
          contact_name: z.string().nullable(),
          messages_count: z.number().int(),
          last_message_id: z.string().nullable(),
          last_message_type: z.string().nullable(),
          last_message_timestamp: instant.nullable(),
          last_message_text: z.string().nullable(),
          last_inbound_at: instant.nullable(),
          last_outbound_at: instant.nullable(),
        })
        .partial(),
    })
    .partial()
    .required({ id: true })
    .meta({
      id: 'Conversation',
      examples: [
        {
          id: '0193f2b4-6f1e-7c3a-9d2b-5a4e3c2b1a09',
          phone_number: '15550102030',
          business_scoped_user_id: null,
          parent_business_scoped_user_id: null,
          username: null,
          status: 'active',
          last_active_at: '2026-01-01T12:00:00.000000Z',
          created_at: '2026-01-01T11:58:00.000000Z',
          updated_at: '2026-01-01T12:00:00.000000Z',
          whatsapp_config_id: '5b0c7a1e-3f2d-8e4c-9a1b-2c3d4e5f6a7b',
          phone_number_id: '112233445566778',
          metadata: {},
          kapso: { contact_name: 'Ada', messages_count: 2, last_message_type: 'text', last_message_text: 'Hello!' },
        },
      ],
    }),
);

export type ConversationObject = z.infer<typeof conversationObjectSchema>;

export const listConversationsSchema = {
  params: phoneNumberParams,
  // assigned_user_id / unassigned: no assignments here, so unknown keys are ignored like any extra.
  querystring: z
    .object({
      ...pageQueryShape,
      status: z.enum(['active', 'ended']).optional(),
      last_active_since: instantParam.optional(),
      last_active_until: instantParam.optional(),
      phone_number: customerPhoneParam.optional(),
      business_scoped_user_id: bsuidParam.optional(),
    })
    .loose(),
  response: { 200: documentedOnly(z.object({ data: z.array(conversationObjectSchema), paging: pagingSchema })) },
};

const conversationId = z.string().min(1).max(128);
const fieldsOnly = z.object({ fields: z.string().optional() }).loose();

/** `GET /{version}/conversations/{id}`: the conversation row carries its number (§1.3). */
export const getConversationSchema = {
  params: z.object({ version: z.string(), conversationId }),
  querystring: fieldsOnly,
  response: { 200: conversationObjectSchema },
};

/** `GET /{version}/{phone_number_id}/conversations/{id}`, the older documented form (§6.2.2). */
export const getNumberConversationSchema = {
  params: phoneNumberParams.extend({ conversationId }),
  querystring: fieldsOnly,
  response: { 200: conversationObjectSchema },
};

/** `PATCH /{version}/conversations/{id}` with `{ "status": "ended" | "active" }` (§6.2.3). */
export const updateConversationSchema = {
  params: z.object({ version: z.string(), conversationId }),
  body: z.strictObject({ status: z.enum(['active', 'ended']) }),
  response: { 200: z.object({ success: z.literal(true) }) },
};
