import type { Deps } from '../deps.ts';
import { errors } from '../http/errors.ts';
import { type InboxConversationFilter, type InboxConversationKey, listInboxConversationKeys } from './conversation-store.ts';
import { loadInboxConversations } from './load-conversation.ts';
import type { InboxConversation } from './present-conversation.ts';

const KEY_SHAPE = ['int', 'string'] as const;

/**
 * A page of the project's conversations as one member sees them, newest activity first, and the
 * cursor of the next (older) page. A cursor is bound to the member and the filters it was issued
 * for: carried to another list it answers 400, never rows of another list.
 */
export async function listInboxConversations(
  deps: Pick<Deps, 'database' | 'cursors'>,
  member: { userId: string; projectId: string },
  filter: InboxConversationFilter,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ data: InboxConversation[]; paging: { next: string | null } }> {
  const binding = `inbox-conversations\n${member.projectId}\n${member.userId}\n${filter.status}\n${filter.assigned}\n${filter.phoneNumberId ?? ''}`;
  let after: InboxConversationKey | null = null;
  if (page.cursor !== undefined) {
    const key = deps.cursors.decode(binding, page.cursor, KEY_SHAPE);
    if (key === null) throw errors.invalidParameter('cursor', "Parameter 'cursor' is not a cursor issued by this list.");
    after = [key[0] as number, key[1] as string];
  }
  const { db } = deps.database;
  const keys = await listInboxConversationKeys(db, member.projectId, member.userId, filter, after, page.limit + 1);
  const shown = keys.slice(0, page.limit);
  const last = shown[shown.length - 1];
  const data = await loadInboxConversations(db, member.projectId, member.userId, shown.map((k) => k.id));
  return { data, paging: { next: keys.length > page.limit && last ? deps.cursors.encode(binding, [last.last_active_at, last.id]) : null } };
}
