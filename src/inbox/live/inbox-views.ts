import { findConversationsByIds } from '../../conversations/store.ts';
import type { Deps } from '../../deps.ts';
import type { InboxViews } from './render-live-events.ts';

/**
 * The inbox's views as the live stream renders them. Until the inbox's conversation presenter
 * lands, a conversation is sent with what the conversations store knows (id, number, status,
 * times) and notes are not shown: the browser refetches what it shows on such hints.
 */
export function inboxViewsOf(deps: Pick<Deps, 'database'>): InboxViews {
  return {
    async conversations(projectId, _memberUserId, ids) {
      const rows = await findConversationsByIds(deps.database.db, projectId, ids);
      return rows.map((c) => ({
        id: c.id,
        phone_number_id: c.phone_number_id,
        status: c.status,
        last_active_at: new Date(Number(c.last_active_at)).toISOString(),
        created_at: new Date(Number(c.created_at)).toISOString(),
      }));
    },
    async note() {
      return undefined;
    },
  };
}
