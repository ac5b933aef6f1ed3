import { z } from 'zod';
import { MAX_QUERY_LENGTH } from '../messages/search-query.ts';

/* `GET /inbox/api/search` (docs/inbox-api.md "Reading"): a project's messages by their words. */

/** docs/inbox-api.md `SearchHit`: where a found message is, and its text around the matches. */
const searchHit = z.object({
  message_id: z.string(),
  conversation_id: z.string(),
  phone_number_id: z.string(),
  contact_name: z.string().nullable(),
  direction: z.enum(['inbound', 'outbound']),
  timestamp: z.string(),
  /** HTML: escaped text, each matched word in `<mark>…</mark>`, the only markup. */
  snippet: z.string(),
});

export type SearchHit = z.infer<typeof searchHit>;

export const searchSchema = {
  querystring: z.object({
    q: z.string().trim().min(1).max(MAX_QUERY_LENGTH),
    cursor: z.string().max(512).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(30),
  }),
  response: { 200: z.object({ data: z.array(searchHit), paging: z.object({ next: z.string().nullable() }) }) },
};
