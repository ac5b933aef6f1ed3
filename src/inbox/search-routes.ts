import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Deps } from '../deps.ts';
import { type CursorCodec, cursorBinding, type PageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { assemblePage } from '../http/list-page.ts';
import { readSearchParam } from '../messages/search-query.ts';
import { snippetHtml } from '../messages/search-snippet.ts';
import { type FoundMessage, searchMessages } from '../messages/search-store.ts';
import type { MessageKey } from '../messages/store.ts';
import { type SearchHit, searchSchema } from './search-schemas.ts';

const MESSAGE_KEY = ['int', 'int'] as const;

/**
 * Full-text search over every stored message of the member's project, all its numbers at once,
 * newest first (docs/inbox-api.md "Reading"; the words as docs/api.md "Search" reads `q`). The
 * same index and query as `GET /{phone_number_id}/messages?q=`, answered as SearchHits, which
 * name the conversation so the inbox opens the thread at the message (`…/messages?around=`).
 */
export async function inboxSearchRoutes(app: FastifyInstance, deps: Pick<Deps, 'database' | 'cursors' | 'config'>): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/inbox/api/search', { schema: searchSchema }, async (request) => {
    const { q, cursor, limit } = request.query;
    const terms = readSearchParam(q);
    // Bound to the project: a cursor carried to another project's member does not verify.
    const binding = cursorBinding('inbox-search', request.member.projectId, '');
    const start = pageStartOf(deps.cursors, binding, cursor);
    const rows = await searchMessages(deps.database.db, { projectId: request.member.projectId }, terms, {}, { start, limit: limit + 1 }, { timeoutMs: deps.config.http.searchTimeoutMs });
    const page = assemblePage(rows, limit, start);
    const last = page.rows.at(-1);
    return {
      data: page.rows.map(presentHit),
      paging: { next: page.hasOlder && last ? deps.cursors.encode(binding, [last.timestamp, last.seq]) : null },
    };
  });
}

/** The first page, or the page after the row `cursor` names; a cursor this list did not issue answers 400. */
function pageStartOf(cursors: CursorCodec, binding: string, cursor: string | undefined): PageStart<MessageKey> {
  if (cursor === undefined) return { kind: 'first' };
  const key = cursors.decode(binding, cursor, MESSAGE_KEY);
  if (key === null) throw errors.invalidParameter('cursor', "Parameter 'cursor' is not a cursor issued by this list.");
  // decode checked the key's shape.
  return { kind: 'after', key: key as MessageKey };
}

function presentHit(m: FoundMessage): SearchHit {
  return {
    message_id: m.id,
    conversation_id: m.conversation_id,
    phone_number_id: m.phone_number_id,
    contact_name: m.customer_name,
    direction: m.direction,
    // Meta's timestamp is in seconds; the inbox API speaks ISO 8601.
    timestamp: new Date(Number(m.timestamp) * 1000).toISOString(),
    snippet: snippetHtml(m.marked_snippet ?? ''),
  };
}
