import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { findInboxConversations } from './conversation-store.ts';
import { type InboxConversation, presentInboxConversation } from './present-conversation.ts';

/**
 * One conversation as `memberUserId` sees it in the inbox, or undefined when it is not one of the
 * project's (another project's conversation is as absent as an unknown id). The live stream
 * renders its `conversation` events with this too.
 */
export async function loadInboxConversation(
  db: Kysely<DB> | Transaction<DB>,
  projectId: string,
  memberUserId: string,
  conversationId: string,
): Promise<InboxConversation | undefined> {
  const [row] = await findInboxConversations(db, projectId, memberUserId, [conversationId]);
  return row ? presentInboxConversation(row) : undefined;
}

/** Several conversations as one member sees them, in the order of `ids` (those not the project's left out). */
export async function loadInboxConversations(
  db: Kysely<DB> | Transaction<DB>,
  projectId: string,
  memberUserId: string,
  ids: readonly string[],
): Promise<InboxConversation[]> {
  const rows = new Map((await findInboxConversations(db, projectId, memberUserId, ids)).map((row) => [row.id, row]));
  return ids.flatMap((id) => {
    const row = rows.get(id);
    return row ? [presentInboxConversation(row)] : [];
  });
}
