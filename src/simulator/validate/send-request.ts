import { z } from 'zod';
import { simErrors } from '../graph-errors.ts';
import { contactsSchema, contextSchema, locationSchema, mediaSchemas, reactionSchema, textSchema } from './content-schemas.ts';
import { interactiveSchema } from './interactive-schemas.ts';
import { templateSendSchema } from './template-schemas.ts';
import { parseParam } from './zod-details.ts';

/** The outbound types of the send API (meta-cloud-api.md §2.1). */
export const messageTypes = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction'] as const;
export type MessageType = (typeof messageTypes)[number];

/** A validated call to `POST /{phone_number_id}/messages`: a send, or mark-as-read (§2.4). */
export type SendRequest =
  | { kind: 'read'; messageId: string; typing: boolean }
  | {
      kind: 'message';
      /** A phone number, a BSUID in `recipient`, or both (§1.5); at least one. */
      to?: string;
      recipient?: string;
      recipientType: 'individual' | 'group';
      type: MessageType;
      content: Record<string, unknown> | Record<string, unknown>[];
      contextMessageId?: string;
      bizOpaque?: string;
    };

const product = z.literal('whatsapp');
const readSchema = z.looseObject({
  messaging_product: product,
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.strictObject({ type: z.literal('text') }).optional(),
});
// Top-level keys Meta does not know are ignored here; content objects are strict (§7.5).
const envelopeSchema = z.looseObject({
  messaging_product: product,
  recipient_type: z.enum(['individual', 'group']).optional(),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).max(256).optional(),
  type: z.string().min(1).optional(),
  context: contextSchema.optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
});

const contentSchemas: Record<MessageType, z.ZodType> = {
  text: textSchema,
  ...mediaSchemas,
  location: locationSchema,
  contacts: contactsSchema,
  interactive: interactiveSchema,
  template: templateSendSchema,
  reaction: reactionSchema,
};

/**
 * Validates a send body like Meta: code 100 naming the parameter for missing, mistyped,
 * unexpected or over-long values; 131051 for an unknown `type`; 131009 when a media object has
 * both or neither of `id` and `link` (§7.5). `type` defaults to `text` as on Graph (§2.1).
 */
export function parseSendRequest(raw: unknown): SendRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw simErrors.invalidParameter('The request body must be a JSON object.');
  }
  const body = raw as Record<string, unknown>;
  if ('status' in body) {
    const read = parseParam(readSchema, body, '');
    return { kind: 'read', messageId: read.message_id, typing: read.typing_indicator !== undefined };
  }
  const envelope = parseParam(envelopeSchema, body, '');
  if (envelope.to === undefined && envelope.recipient === undefined) throw simErrors.invalidParameter('The parameter to is required.');
  const type = envelope.type ?? 'text';
  if (!(messageTypes as readonly string[]).includes(type)) {
    throw simErrors.meta(131051, `Message type '${type}' is not currently supported.`);
  }
  const messageType = type as MessageType;
  if (body[messageType] === undefined) throw simErrors.invalidParameter(`The parameter ${messageType} is required.`);
  const content = parseParam(contentSchemas[messageType], body[messageType], messageType) as Record<string, unknown> | Record<string, unknown>[];
  if (messageType in mediaSchemas) checkMediaSource(messageType, content as Record<string, unknown>);
  if (messageType === 'reaction' && envelope.context) {
    throw simErrors.invalidParameter('Param context is not allowed on reaction messages.');
  }
  return {
    kind: 'message',
    ...(envelope.to !== undefined ? { to: envelope.to } : {}),
    ...(envelope.recipient !== undefined ? { recipient: envelope.recipient } : {}),
    recipientType: envelope.recipient_type ?? 'individual',
    type: messageType,
    content,
    ...(envelope.context ? { contextMessageId: envelope.context.message_id } : {}),
    ...(envelope.biz_opaque_callback_data !== undefined ? { bizOpaque: envelope.biz_opaque_callback_data } : {}),
  };
}

/** Exactly one of `id` (uploaded media) or `link` (§2.3, §7.5: otherwise 131009). */
function checkMediaSource(type: string, media: Record<string, unknown>): void {
  const hasId = media.id !== undefined;
  const hasLink = media.link !== undefined;
  if (hasId && hasLink) throw simErrors.meta(131009, `Param ${type} must have only one of ${type}['id'] or ${type}['link'].`);
  if (!hasId && !hasLink) throw simErrors.meta(131009, `Param ${type} must have one of ${type}['id'] or ${type}['link'].`);
}
