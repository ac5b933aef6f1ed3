import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { platformPageMetaSchema } from '../http/list-schemas.ts';

/** The answers of the broadcast routes as the OpenAPI document describes them (kapso-broadcasts.md §2). */

const second = z.iso.datetime().meta({ description: 'ISO-8601 UTC to the second, `Z`.' });

/** The template as Kapso nests it in a broadcast (§2.2). */
export const broadcastTemplateSchema = z.object({
  id: z.string(),
  meta_template_id: z.string(),
  name: z.string(),
  language_code: z.string(),
  category: z.string(),
  status: z.string().meta({ description: "Meta's status, lower case." }),
  components: z.array(z.record(z.string(), z.unknown())),
});

/** Kapso's Broadcast object (§2.1): every key present, unset ones null. */
export const broadcastObjectSchema = documentedOnly(
  z
    .object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['draft', 'scheduled', 'sending', 'completed', 'stopped', 'failed']),
      phone_number_id: z.string(),
      whatsapp_template: broadcastTemplateSchema,
      scheduled_at: second.nullable(),
      started_at: second.nullable(),
      stopped_at: second.nullable(),
      completed_at: second.nullable(),
      created_at: second,
      updated_at: second,
      total_recipients: z.number().int(),
      sent_count: z.number().int(),
      failed_count: z.number().int(),
      delivered_count: z.number().int(),
      read_count: z.number().int(),
      responded_count: z.number().int(),
      pending_count: z.number().int(),
      response_rate: z.number().meta({ description: 'Responded over sent, in percent to one decimal.' }),
    })
    .meta({ id: 'Broadcast' }),
);

export type BroadcastObject = z.infer<typeof broadcastObjectSchema>;
export type BroadcastTemplateObject = z.infer<typeof broadcastTemplateSchema>;

/** `{ data: Broadcast }`. */
export const oneBroadcastSchema = documentedOnly(z.object({ data: broadcastObjectSchema }));

export const broadcastPageSchema = documentedOnly(z.object({ data: z.array(broadcastObjectSchema), meta: platformPageMetaSchema }));

/** A recipient as Kapso's Recipient object (§2.3), with the wamid once sent. */
export const recipientObjectSchema = z
  .object({
    id: z.string(),
    phone_number: z.string(),
    status: z.enum(['pending', 'sent', 'failed']),
    sent_at: second.nullable(),
    delivered_at: second.nullable(),
    read_at: second.nullable(),
    responded_at: second.nullable(),
    failed_at: second.nullable(),
    error_message: z.string().nullable(),
    error_details: z.unknown(),
    template_components: z.array(z.record(z.string(), z.unknown())),
    wamid: z.string().nullable(),
    created_at: second,
    updated_at: second,
  })
  .meta({ id: 'BroadcastRecipient' });

/** The partial broadcast that send, schedule and cancel answer. */
const timingSchema = z.object({
  id: z.string(),
  status: z.enum(['draft', 'scheduled', 'sending', 'completed', 'stopped', 'failed']),
  scheduled_at: second.nullable(),
  started_at: second.nullable(),
  completed_at: second.nullable(),
});

/** A suppressed number (ours, named like Kapso's resources). */
export const suppressionObjectSchema = z.object({
  phone_number: z.string(),
  reason: z.enum(['marketing_opt_out', 'not_on_whatsapp', 'manual']),
  error_code: z.number().int().nullable(),
  source: z.string(),
  created_at: second,
});

// The routes below answer objects built by present.ts as plain records, so these are typed open:
// the sample-response test holds them to the shapes.
type OpenResponses = Record<number, z.ZodType<unknown>>;

export const recipientPageResponses: OpenResponses = { 200: documentedOnly(z.object({ data: z.array(recipientObjectSchema), meta: platformPageMetaSchema })) };
export const addRecipientsResponses: OpenResponses = {
  201: documentedOnly(z.object({ data: z.object({ added: z.number().int(), duplicates: z.number().int(), suppressed: z.number().int(), errors: z.array(z.string()) }) })),
};
export const timingResponses: OpenResponses = { 200: documentedOnly(z.object({ data: timingSchema })), 202: documentedOnly(z.object({ data: timingSchema })) };
export const suppressionPageResponses: OpenResponses = { 200: documentedOnly(z.object({ data: z.array(suppressionObjectSchema), meta: platformPageMetaSchema })) };
export const oneSuppressionResponses: OpenResponses = { 200: documentedOnly(z.object({ data: suppressionObjectSchema })), 201: documentedOnly(z.object({ data: suppressionObjectSchema })) };
export const removedSuppressionResponses: OpenResponses = { 200: documentedOnly(z.object({ data: z.object({ phone_number: z.string(), removed: z.literal(true) }) })) };
