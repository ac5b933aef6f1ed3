import { z } from 'zod';

/**
 * What the gateway itself checks on `POST /{phone_number_id}/messages` before forwarding
 * (meta-cloud-api.md §2.1, §2.4); the per-type rules are Meta's (or the simulator's) to enforce,
 * and their errors pass through unchanged.
 */
const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'] as const;

export const sendBodySchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    // Absent: what tells a send from a mark-as-read (messagesBodySchema).
    status: z.undefined().optional(),
    recipient_type: z.enum(['individual', 'group']).optional(),
    // A phone number, a BSUID in `recipient`, or both (SDK 0.3.0; meta-cloud-api.md §1.5).
    to: z.string().trim().min(1).max(256).optional(),
    recipient: z.string().trim().min(1).max(256).optional(),
    type: z.enum(MESSAGE_TYPES).optional(),
    context: z.object({ message_id: z.string().min(1) }).loose().optional(),
    biz_opaque_callback_data: z.string().max(512).optional(),
  })
  .loose()
  .superRefine((body, ctx) => {
    // Neither: Meta's own words for a missing `to` (a BSUID in `recipient` would do as well).
    if (body.to === undefined && body.recipient === undefined) {
      ctx.addIssue({ code: 'invalid_type', expected: 'string', path: ['to'], message: 'Invalid input: expected string, received undefined' });
    }
    // Graph defaults a missing type to text; the object named by the type must be there.
    const type = body.type ?? 'text';
    const value = (body as Record<string, unknown>)[type];
    if (value === undefined || value === null || typeof value !== 'object') {
      ctx.addIssue({ code: 'custom', path: [type], message: `a '${type}' object is required for type ${type}` });
    }
  });

/** Mark as read (and optionally show the typing indicator), §2.4. */
export const markReadBodySchema = z
  .object({
    messaging_product: z.literal('whatsapp'),
    status: z.literal('read'),
    message_id: z.string().min(1),
    typing_indicator: z.object({ type: z.literal('text') }).optional(),
  })
  .loose();

/**
 * The body of `POST /{phone_number_id}/messages`: a mark-as-read when `status` is `read`, else a
 * send. Told apart by `status` (a discriminated union) so that a failure names the parameter of
 * the one the caller meant; a plain union answered "body: Invalid input" for both.
 */
export const messagesBodySchema = z.discriminatedUnion('status', [markReadBodySchema, sendBodySchema]);

export type SendBody = z.infer<typeof sendBodySchema>;
export type MarkReadBody = z.infer<typeof markReadBodySchema>;

/** Meta's success answer to a send (§2.2). */
export const sendResponseSchema = z
  .object({
    contacts: z.array(z.object({ input: z.string().optional(), wa_id: z.string().optional(), user_id: z.string().optional() }).loose()).optional(),
    messages: z.array(z.object({ id: z.string() }).loose()).min(1),
  })
  .loose();

/** Whether a validated body is a mark-as-read (rather than a message to send). */
export function isMarkRead(body: SendBody | MarkReadBody): body is MarkReadBody {
  return (body as { status?: unknown }).status === 'read';
}
