import { z } from 'zod';
import { bsuidParam, customerParam, customerPhoneParam, pageQueryShape, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the contact routes (kapso-api.md §6.3). */

export const listContactsSchema = {
  params: phoneNumberParams,
  querystring: z
    .object({
      ...pageQueryShape,
      wa_id: customerPhoneParam.optional(),
      customer_id: z.uuid().optional(),
      business_scoped_user_id: bsuidParam.optional(),
      // §1.4: booleans arrive in query strings as the words true/false.
      has_customer: z
        .enum(['true', 'false'])
        .transform((v) => v === 'true')
        .optional(),
    })
    .loose(),
};

// The SDK names the segment waId; a BSUID addresses a contact as well (kapso-api.md §6.3.2).
const contactParams = phoneNumberParams.extend({ waId: customerParam });

export const getContactSchema = {
  params: contactParams,
  querystring: z.object({ fields: z.string().optional() }).loose(),
};

/**
 * At least one known key; anything else is refused rather than silently dropped, so a typo such
 * as `displayName` (the SDK snake-cases, raw callers may not) is an error the caller sees.
 */
export const updateContactSchema = {
  params: contactParams,
  body: z
    .strictObject({
      profile_name: z.string().trim().min(1).max(256).optional(),
      // An empty name clears it, like null.
      display_name: z
        .string()
        .trim()
        .max(256)
        .nullable()
        .transform((v) => (v === '' ? null : v))
        .optional(),
      metadata: z.record(z.string().min(1).max(100), z.unknown()).optional(),
    })
    .refine((body) => Object.keys(body).length > 0, { message: 'give at least one of profile_name, display_name, metadata' }),
  response: { 200: z.object({ success: z.literal(true) }) },
};
