import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { bsuidParam, customerParam, customerPhoneParam, pageQueryShape, pagingSchema, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the contact routes (kapso-api.md §6.3). */

const instant = z.iso.datetime({ offset: true });

/** The contact object (kapso-api.md §6.3); every key is always there. */
export const contactObjectSchema = documentedOnly(
  z
    .object({
      id: z.string(),
      wa_id: z.string().nullable().meta({ description: 'Null for a customer known only by BSUID.' }),
      business_scoped_user_id: z.string().nullable(),
      parent_business_scoped_user_id: z.string().nullable(),
      username: z.string().nullable(),
      country_code: z.string().nullable(),
      profile_name: z.string().nullable(),
      display_name: z.string().nullable(),
      customer_id: z.string().nullable(),
      metadata: z.record(z.string(), z.unknown()),
      created_at: instant,
      updated_at: instant,
    })
    .meta({ id: 'Contact' }),
);

export type ContactObject = z.infer<typeof contactObjectSchema>;

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
  response: { 200: documentedOnly(z.object({ data: z.array(contactObjectSchema), paging: pagingSchema })) },
};

// The SDK names the segment waId; a BSUID addresses a contact as well (kapso-api.md §6.3.2).
const contactParams = phoneNumberParams.extend({ waId: customerParam });

export const getContactSchema = {
  params: contactParams,
  querystring: z.object({ fields: z.string().optional() }).loose(),
  response: { 200: contactObjectSchema },
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
