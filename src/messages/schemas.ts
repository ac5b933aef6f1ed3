import { z } from 'zod';
import { documentedOnly } from '../http/documented-only.ts';
import { MAX_QUERY_LENGTH, MAX_QUERY_WORDS } from './search-query.ts';
import { bsuidParam, instantParam, pageQueryShape, pagingSchema, phoneNumberParams } from '../http/list-schemas.ts';

/** Request schemas of the message history routes. */

const nonEmpty = z.string().min(1);

/** The `kapso` block of a message (§6.1.4 and §2.2): the keys `fields=kapso(...)` selected that apply. */
const kapsoMessageBlock = z
  .object({
    direction: z.enum(['inbound', 'outbound']),
    status: z.string(),
    processing_status: z.string(),
    origin: z.string(),
    phone_number: z.string().meta({ description: "The customer's number (wa_id)." }),
    phone_number_id: z.string(),
    has_media: z.boolean(),
    media_url: z.url().meta({ description: 'A signed, expiring `/media/{id}` URL, once the file is stored.' }),
    media_data: z.object({ url: z.url(), filename: z.string().nullable(), content_type: z.string(), byte_size: z.number().int(), id: z.string() }),
    whatsapp_conversation_id: z.string(),
    contact_name: z.string(),
    message_type_data: z.record(z.string(), z.unknown()),
    content: z.string(),
    flow_response: z.unknown(),
    flow_token: z.string(),
    flow_name: z.string(),
    order_text: z.string(),
    search_snippet: z.string().meta({
      description: 'Switchboard extension, on `q` pages only: the text around the matches as HTML, escaped, each matched word in `<mark>…</mark>` (the only markup).',
    }),
    statuses: z.array(z.record(z.string(), z.unknown())).meta({ description: "Meta's status objects, oldest first (only with `kapso(statuses)`)." }),
  })
  .partial()
  .loose();

/**
 * A stored message as §6.1.4 renders it: Meta's message object (whatever keys Meta sent pass
 * through, hence loose) and the `kapso` block. `fields` may leave out any key but `id`, and
 * absent or null values are left out rather than padded.
 */
export const messageObjectSchema = documentedOnly(
  z
    .object({
      id: nonEmpty.meta({ description: "Meta's wamid." }),
      timestamp: z.string().regex(/^\d+$/).meta({ description: 'Unix seconds, as a string (Meta).' }).optional(),
      type: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      kapso: kapsoMessageBlock.optional(),
    })
    .loose()
    .meta({
      id: 'Message',
      examples: [
        {
          id: 'wamid.HBgLMTU1NTAxMDIwMzAVAgASGBQzQUI1',
          timestamp: '1767268800',
          type: 'text',
          from: '15550102030',
          to: '112233445566778',
          text: { body: 'Hello!' },
          kapso: { direction: 'inbound', status: 'received', processing_status: 'pending', origin: 'cloud_api', phone_number: '15550102030', phone_number_id: '112233445566778', has_media: false, content: 'Hello!' },
        },
      ],
    }),
);

export type MessageObject = z.infer<typeof messageObjectSchema>;

export const messagePageSchema = documentedOnly(z.object({ data: z.array(messageObjectSchema), paging: pagingSchema }));

/** `GET /{phone_number_id}/messages` (§6.1.3); unknown keys are ignored, as the SDK forwards extras. */
export const listMessagesSchema = {
  params: phoneNumberParams,
  querystring: z
    .object({
      ...pageQueryShape,
      direction: z.enum(['inbound', 'outbound']).optional(),
      // §7.1's filter values, plus `received`: the status inbound messages are stored with.
      status: z.enum(['received', 'pending', 'sent', 'delivered', 'read', 'failed']).optional(),
      since: instantParam.optional(),
      until: instantParam.optional(),
      conversation_id: z.uuid().optional(),
      // The customer's messages, whichever conversation they are in.
      business_scoped_user_id: bsuidParam.optional(),
      // Switchboard's full-text search (docs/api.md "Search"): the matching messages only.
      q: z
        .string()
        .trim()
        .min(1)
        .max(MAX_QUERY_LENGTH)
        .optional()
        .meta({
          description:
            `Switchboard extension: full-text search. Only the messages whose text holds every word of \`q\` (the last word also as a prefix; ` +
            `case ignored, accents too on SQLite), newest first, each with \`kapso.search_snippet\`. Combines with every other filter. ` +
            `At most ${MAX_QUERY_LENGTH} characters and ${MAX_QUERY_WORDS} words; punctuation and operators are ignored.`,
        }),
    })
    .loose(),
  response: { 200: messagePageSchema },
};
