import type { Deps } from '../deps.ts';
import type { MessageRow } from '../db/schema.ts';
import { errors } from '../http/errors.ts';
import { assemblePage } from '../http/list-page.ts';
import { findMessage, listMessages, type MessageKey } from '../messages/store.ts';
import type { ConversationRef } from './conversation-store.ts';
import { assembleAroundPage, threadBinding, threadPageStart, threadPaging } from './thread-page.ts';
import { presentKapsoMessages } from './present-messages.ts';

/** A page of a thread's query: where to look and how many. */
export interface ThreadQuery {
  cursor?: string | undefined;
  around?: string | undefined;
  limit: number;
}

/**
 * One page of a conversation's messages, newest first, through the history API's own keyset query
 * (messages/store.ts: a range of (conversation_id, timestamp, seq)), so a thread of any length
 * loads page by page. With `around`, the page holds that message with newer ones above it.
 */
export async function listThread(deps: Pick<Deps, 'database' | 'cursors' | 'mediaUrls' | 'clock'>, projectId: string, conversation: ConversationRef, q: ThreadQuery) {
  const { db } = deps.database;
  const binding = threadBinding(projectId, conversation.id);
  const window = (start: Parameters<typeof listMessages>[4]['start'], limit: number) =>
    listMessages(db, projectId, conversation.phone_number_id, { conversationId: conversation.id }, { start, limit });
  let page: { rows: MessageRow[]; hasOlder: boolean; hasNewer: boolean };
  if (q.around !== undefined) {
    if (q.cursor !== undefined) throw errors.invalidParameter('around', "Parameters 'around' and 'cursor' cannot be combined.");
    const at = await findMessage(db, projectId, conversation.phone_number_id, q.around);
    if (!at || at.conversation_id !== conversation.id) throw errors.invalidParameter('around', "Parameter 'around' is not a message of this conversation.");
    const key: MessageKey = [Number(at.timestamp), Number(at.seq)];
    // 'after' the next position is strictly older than it: the message itself and what precedes it.
    const [newer, atAndOlder] = await Promise.all([window({ kind: 'before', key }, q.limit + 1), window({ kind: 'after', key: [key[0], key[1] + 1] }, q.limit + 1)]);
    page = assembleAroundPage(newer, atAndOlder, q.limit);
  } else {
    const start = threadPageStart(deps.cursors, binding, q.cursor);
    page = assemblePage(await window(start, q.limit + 1), q.limit, start);
  }
  return { data: await presentKapsoMessages(deps, conversation.phone_number_id, page.rows), paging: threadPaging(deps.cursors, binding, page) };
}
