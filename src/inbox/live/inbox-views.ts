import type { Deps } from '../../deps.ts';
import { loadInboxConversations } from '../load-conversation.ts';
import { findNote } from '../notes-store.ts';
import { presentNote } from '../present-note.ts';
import type { InboxViews } from './render-live-events.ts';

/** The inbox's own views, as its reading routes render them: the stream shows what a refetch would. */
export function inboxViewsOf(deps: Pick<Deps, 'database'>): InboxViews {
  const { db } = deps.database;
  return {
    conversations: (projectId, memberUserId, ids) => loadInboxConversations(db, projectId, memberUserId, ids),
    async note(projectId, noteId) {
      const row = await findNote(db, projectId, noteId);
      return row ? presentNote(row) : undefined;
    },
  };
}
