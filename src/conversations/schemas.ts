import { z } from 'zod';
import { bsuidParam, customerPhoneParam, instantParam, pageQueryShape, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the conversation routes (kapso-api.md §6.2). */

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
};

const conversationId = z.string().min(1).max(128);
const fieldsOnly = z.object({ fields: z.string().optional() }).loose();

/** `GET /{version}/conversations/{id}`: the conversation row carries its number (§1.3). */
export const getConversationSchema = {
  params: z.object({ version: z.string(), conversationId }),
  querystring: fieldsOnly,
};

/** `GET /{version}/{phone_number_id}/conversations/{id}`, the older documented form (§6.2.2). */
export const getNumberConversationSchema = {
  params: phoneNumberParams.extend({ conversationId }),
  querystring: fieldsOnly,
};

/** `PATCH /{version}/conversations/{id}` with `{ "status": "ended" | "active" }` (§6.2.3). */
export const updateConversationSchema = {
  params: z.object({ version: z.string(), conversationId }),
  body: z.strictObject({ status: z.enum(['active', 'ended']) }),
  response: { 200: z.object({ success: z.literal(true) }) },
};
