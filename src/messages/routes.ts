import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageRow, StatusRow } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { cursorBinding, readPageStart } from '../http/cursor.ts';
import { errors } from '../http/errors.ts';
import { parseFields, wantsKapsoField } from '../http/fields.ts';
import { requirePhoneNumber } from '../http/graph-scope.ts';
import type { TenantLookup } from '../tenants/lookup.ts';
import { assemblePage, buildPaging, pageUrl } from '../http/list-page.ts';
import { loadMessageMedia } from './load-media.ts';
import { presentMessage } from './present.ts';
import { listMessagesSchema, type MessageObject, messageObjectSchema } from './schemas.ts';
import { readSearchParam } from './search-query.ts';
import { snippetHtml } from './search-snippet.ts';
import { type FoundMessage, searchMessages } from './search-store.ts';
import { findMessage, listMessages, listStatuses, listStatusesOfMessages, type MessageKey } from './store.ts';

const getMessageSchema = {
  params: z.object({
    version: z.string(),
    phoneNumberId: z.string().min(1).max(64),
    messageId: z.string().min(1).max(512),
  }),
  querystring: z.object({ fields: z.string().optional() }).loose(),
  response: { 200: messageObjectSchema },
};

const MESSAGE_KEY = ['int', 'int'] as const;

/** Stored messages, read back in Kapso's shape (kapso-api.md §6.1.3, §6.1.4). */
export async function messageRoutes(app: FastifyInstance, deps: Deps & { tenants: TenantLookup }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = deps.database;
  const { cursors } = deps;

  r.get('/:version/:phoneNumberId/messages/:messageId', { schema: getMessageSchema }, async (request) => {
    const { phoneNumberId, messageId } = request.params;
    const selection = parseFields(request.query.fields);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const row = await findMessage(db, request.projectId, phoneNumberId, messageId);
    if (!row) throw errors.notFound('message', messageId);
    // The history costs a query; read it only when the caller asked for `kapso.statuses`.
    const statuses = wantsKapsoField(selection.kapso, 'statuses') ? await listStatuses(db, phoneNumberId, messageId) : [];
    const media = await loadMessageMedia(db, deps.mediaUrls, deps.clock.now(), selection, phoneNumberId, [row]);
    return presentMessage(row, statuses, selection, media.get(row.id));
  });

  r.get('/:version/:phoneNumberId/messages', { schema: listMessagesSchema }, async (request) => {
    const { phoneNumberId } = request.params;
    const q = request.query;
    const selection = parseFields(q.fields);
    const terms = q.q === undefined ? undefined : readSearchParam(q.q);
    await requirePhoneNumber(request, deps.tenants, phoneNumberId);
    const binding = cursorBinding('messages', request.projectId, phoneNumberId);
    const start = readPageStart<MessageKey>(cursors, binding, MESSAGE_KEY, q);
    const filter = { direction: q.direction, status: q.status, conversationId: q.conversation_id, bsuid: q.business_scoped_user_id, ...secondsRange(q.since, q.until) };
    const window = { start, limit: q.limit + 1 };
    const rows: Array<MessageRow & Partial<FoundMessage>> = terms
      ? await searchMessages(db, { projectId: request.projectId, phoneNumberId }, terms, filter, window, { timeoutMs: deps.config.http.searchTimeoutMs })
      : await listMessages(db, request.projectId, phoneNumberId, filter, window);
    const page = assemblePage(rows, q.limit, start);
    // One query for the whole page, and only when `kapso.statuses` was asked for.
    const wantsStatuses = wantsKapsoField(selection.kapso, 'statuses');
    const statuses = groupByMessage(wantsStatuses ? await listStatusesOfMessages(db, phoneNumberId, page.rows.map((m) => m.id)) : []);
    const media = await loadMessageMedia(db, deps.mediaUrls, deps.clock.now(), selection, phoneNumberId, page.rows);
    return {
      data: page.rows.map((m) => withSearchSnippet(presentMessage(m, statuses.get(m.id) ?? [], selection, media.get(m.id)), m.marked_snippet)),
      paging: buildPaging(
        page,
        (m) => cursors.encode(binding, [m.timestamp, m.seq]),
        (param, cursor) => pageUrl(deps.config.http.publicUrl, request.url, param, cursor),
      ),
    };
  });
}

/** A found message gets `kapso.search_snippet` whenever its `kapso` block is rendered (docs/api.md "Search"). */
function withSearchSnippet(message: MessageObject, markedSnippet: string | null | undefined): MessageObject {
  if (markedSnippet === undefined || message.kapso === undefined) return message;
  return { ...message, kapso: { ...message.kapso, search_snippet: snippetHtml(markedSnippet ?? '') } };
}

function groupByMessage(statuses: readonly StatusRow[]): Map<string, StatusRow[]> {
  const byMessage = new Map<string, StatusRow[]>();
  for (const status of statuses) byMessage.set(status.message_id, [...(byMessage.get(status.message_id) ?? []), status]);
  return byMessage;
}

/** `since`/`until` (epoch ms) as inclusive bounds on Meta's timestamp, which is in whole seconds. */
function secondsRange(sinceMs: number | undefined, untilMs: number | undefined) {
  return {
    sinceSec: sinceMs === undefined ? undefined : Math.ceil(sinceMs / 1000),
    untilSec: untilMs === undefined ? undefined : Math.floor(untilMs / 1000),
  };
}
