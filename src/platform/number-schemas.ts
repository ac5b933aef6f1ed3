import { z } from 'zod';
import { LIMIT_SETTINGS_HELP, tierOfSetting } from '../tenants/messaging-limit.ts';
import { documentedOnly } from '../http/documented-only.ts';
import { MAX_SEND_RATE, META_ID, normaliseDisplayNumber } from '../tenants/number-fields.ts';

/** Request and response schemas of the Platform API's phone numbers (kapso-api.md §6.9, docs/api.md). */

const instant = z.iso.datetime({ offset: true });

/** Kapso's phone-number object as the inbox reads it; the keys this gateway has no value for are null. */
export const platformPhoneNumberSchema = documentedOnly(
  z
    .object({
      id: z.string(),
      internal_id: z.string(),
      phone_number_id: z.string(),
      name: z.string(),
      business_account_id: z.string(),
      is_coexistence: z.boolean(),
      inbound_processing_enabled: z.boolean(),
      calls_enabled: z.boolean(),
      webhook_verified_at: z.null(),
      created_at: instant,
      updated_at: instant,
      customer_id: z.null(),
      display_name: z.string(),
      display_phone_number: z.string(),
      display_phone_number_normalized: z.string(),
      verified_name: z.null(),
      quality_rating: z.null(),
      code_verification_status: z.null(),
      name_status: z.null(),
      status: z.literal('CONNECTED'),
      throughput_tier: z.null(),
      max_messages_per_second: z.number().int().nullable().meta({ description: "Switchboard's own: the send governor's rate for the number (null: SEND_DEFAULT_MPS)." }),
      whatsapp_business_manager_messaging_limit: z.string().nullable().meta({ description: "Meta's messaging-limit tier when it was read from Meta (e.g. TIER_2K)." }),
      messaging_limit_tier: z.string().nullable().meta({ description: "Switchboard's own: the tier broadcasts are held to (null: unknown, SEND_DEFAULT_MESSAGING_LIMIT applies)." }),
      messaging_limit_source: z.enum(['meta', 'operator']).nullable().meta({ description: "Switchboard's own: where the tier came from." }),
      is_official_business_account: z.boolean(),
      is_pin_enabled: z.boolean(),
    })
    .meta({ id: 'PlatformPhoneNumber' }),
);

export type PlatformPhoneNumber = z.infer<typeof platformPhoneNumberSchema>;


const params = z.object({ phone_number_id: z.string().min(1).max(64) });
const secret = (what: string) => z.string().max(4096).refine((v) => v.trim() !== '', `${what} must not be empty`);

/**
 * Kapso's `PATCH /platform/v1/whatsapp/phone_numbers/{phone_number_id}` body, with the fields this
 * gateway stores: Kapso's names (`access_token`, `webhook_verify_token`, `business_account_id`)
 * and ours for what Kapso keeps elsewhere (`app_secret`, `display_phone_number`). Strict: a Kapso
 * field this gateway does not keep (`webhook_destination_url`…) is refused by name, not dropped.
 */
export const updatePhoneNumberSchema = {
  params,
  body: z.object({
    whatsapp_phone_number: z
      .strictObject({
        access_token: secret('access_token').optional(),
        app_secret: secret('app_secret').optional(),
        webhook_verify_token: secret('webhook_verify_token').optional(),
        business_account_id: z.string().regex(META_ID, "business_account_id must be Meta's numeric id (5 to 20 digits)").optional(),
        display_phone_number: z
          .string()
          .max(64)
          .refine((v) => normaliseDisplayNumber(v) !== null, 'display_phone_number must be an E.164 number such as +15550100000 (8 to 15 digits)')
          .optional(),
        // The send governor's rate (docs/sending.md); null puts the number back on SEND_DEFAULT_MPS.
        max_messages_per_second: z.number().int().min(1).max(MAX_SEND_RATE).nullable().optional(),
        // The messaging limit (docs/sending.md): the operator's tier or count, `meta` to read it
        // again from Meta, null to forget it (SEND_DEFAULT_MESSAGING_LIMIT).
        messaging_limit: z
          .union([z.string().max(32), z.number().int()])
          .refine((v) => v === 'meta' || tierOfSetting(v) !== null, `messaging_limit must be ${LIMIT_SETTINGS_HELP}, or meta to read it from Meta`)
          .nullable()
          .optional(),
      })
      .refine((o) => Object.values(o).some((v) => v !== undefined), 'give at least one field to change'),
  }),
  response: { 200: documentedOnly(z.object({ data: platformPhoneNumberSchema })) },
};

/** `DELETE …/phone_numbers/{phone_number_id}?history=keep|delete`: what happens to its history is required. */
export const removePhoneNumberSchema = {
  params,
  querystring: z.object({ history: z.enum(['keep', 'delete'], "history must be 'keep' or 'delete'") }).loose(),
  response: { 200: documentedOnly(z.object({ data: z.object({ removed: z.literal(true), history: z.enum(['kept', 'deleted']) }) })) },
};
