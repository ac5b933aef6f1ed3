import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';

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

/** A Platform page's `meta` (§6.1). */
export const platformPageMetaSchema = z.object({ page: z.number().int(), per_page: z.number().int(), total_pages: z.number().int(), total_count: z.number().int() });

export const broadcastPageSchema = documentedOnly(z.object({ data: z.array(broadcastObjectSchema), meta: platformPageMetaSchema }));
