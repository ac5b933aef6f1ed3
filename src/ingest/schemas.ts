/**
 * Zod schemas for Meta's webhook POST body (meta-cloud-api.md §1.4–§1.8).
 *
 * Every object is loose and no schema transforms or defaults anything: a payload that passes is
 * already its own parsed value, so normalize.ts can keep the objects exactly as received (zod
 * rebuilds objects with declared keys first, which would reorder what we store).
 */
import { z } from 'zod';

/** Unix seconds: Meta sends digit strings (§5.7); a number is tolerated from lenient senders. */
const epochSeconds = z.union([z.string().regex(/^\d+$/, 'Expected Unix seconds as digits'), z.number().int().nonnegative()]);

/** One `errors[]` item (statuses, unsupported messages, value-level errors). */
export const metaErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  title: z.string().optional(),
});

/** `value.contacts[]`: the sender's profile; `user_id` is the BSUID (§1.5). */
export const metaContactSchema = z.looseObject({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional(), country_code: z.string().optional() }).optional(),
});

/**
 * `value.messages[]`: only the common keys are checked. The content object named after `type`
 * stays opaque because Meta adds types over time and they must be stored, not rejected (§1.5).
 */
export const metaMessageSchema = z
  .looseObject({
    id: z.string().min(1),
    type: z.string().min(1),
    timestamp: epochSeconds,
    from: z.string().optional(),
    from_user_id: z.string().optional(),
    from_parent_user_id: z.string().optional(),
    errors: z.array(metaErrorSchema).optional(),
  })
  // With business-scoped user ids `from` may be empty; then `from_user_id` names the sender.
  .refine((message) => Boolean(message.from || message.from_user_id), {
    path: ['from'],
    message: 'Expected a sender in from or from_user_id',
  });

/** `value.statuses[]` (§1.7). */
export const metaStatusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: epochSeconds,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(metaErrorSchema).optional(),
});

/** The `value` of a change whose `field` is `messages`. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({
    phone_number_id: z.string().min(1),
    display_phone_number: z.string().optional(),
  }),
  contacts: z.array(metaContactSchema).optional(),
  messages: z.array(metaMessageSchema).optional(),
  statuses: z.array(metaStatusSchema).optional(),
  errors: z.array(metaErrorSchema).optional(),
});

/** One `entry[].changes[]` item; `value` is checked per field, other fields stay opaque. */
export const metaChangeSchema = z.looseObject({
  field: z.string(),
  value: z.unknown(),
});

/** The whole POST body. */
export const metaWebhookSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      id: z.string(),
      changes: z.array(metaChangeSchema),
    }),
  ),
});

export type MetaWebhook = z.infer<typeof metaWebhookSchema>;
export type MetaChange = z.infer<typeof metaChangeSchema>;
export type MessagesValue = z.infer<typeof messagesValueSchema>;
export type MetaContact = z.infer<typeof metaContactSchema>;
export type MetaMessage = z.infer<typeof metaMessageSchema>;
export type MetaStatus = z.infer<typeof metaStatusSchema>;
export type MetaError = z.infer<typeof metaErrorSchema>;
