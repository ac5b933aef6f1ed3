import { z } from 'zod';

/* The request shapes of the inbox's reading and writing routes (docs/inbox-api.md). */

/** Ids in paths: ours are UUIDs, Meta's digits; anything longer names nothing. */
const id = z.string().min(1).max(128);

export const conversationParams = z.object({ id });
export const contactParams = z.object({ id });
export const numberParams = z.object({ phone_number_id: id });

export const listConversationsQuery = z.object({
  status: z.enum(['active', 'ended', 'all']).default('all'),
  assigned: z.enum(['me', 'unassigned', 'any']).default('any'),
  phone_number_id: id.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const listMessagesQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
  around: z.string().min(1).max(512).optional(),
});

export const updateConversationBody = z
  .strictObject({
    status: z.enum(['active', 'ended']).optional(),
    assignee_id: id.nullable().optional(),
  })
  .refine((body) => body.status !== undefined || body.assignee_id !== undefined, { message: 'give status, assignee_id or both' });

export const noteBody = z.strictObject({ body: z.string().min(1).max(4096).refine((s) => s.trim() !== '', { message: 'must not be blank' }) });

export const contactBody = z.strictObject({ name: z.string().trim().min(1).max(256) });

/** The message types the composer sends, each with the object of its name (Meta validates what is inside). */
const SENDABLE = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'] as const;

/**
 * A Meta send body without its addressing: the recipient is always the conversation's customer,
 * so `to`, `recipient` and every other envelope key are refused by name rather than dropped. Only
 * `type`, the object it names, and `context` (a reply) are taken.
 */
export const inboxSendBody = z
  .object({
    type: z.enum(SENDABLE),
    context: z.strictObject({ message_id: z.string().min(1).max(512) }).optional(),
  })
  .catchall(z.unknown())
  .superRefine((body, ctx) => {
    const content = (body as Record<string, unknown>)[body.type];
    // A contacts message holds a list of contact cards (Meta's `contacts: [...]`); every other type names an object.
    if (body.type === 'contacts') {
      if (!Array.isArray(content) || content.length === 0 || !content.every(isObject)) ctx.addIssue({ code: 'custom', path: ['contacts'], message: "a 'contacts' list of contact objects is required for type contacts" });
    } else if (!isObject(content)) {
      ctx.addIssue({ code: 'custom', path: [body.type], message: `a '${body.type}' object is required for type ${body.type}` });
    }
    const extra = Object.keys(body).filter((key) => key !== 'type' && key !== 'context' && key !== body.type);
    if (extra.length > 0) ctx.addIssue({ code: 'unrecognized_keys', keys: extra, path: [], message: `Unrecognized key(s): ${extra.join(', ')}` });
  });

function isObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export type InboxSendBody = z.infer<typeof inboxSendBody>;

export const sendHeaders = z.object({ 'idempotency-key': z.string().optional() }).loose();
