import type { StorePrimitives } from '../store-primitives.ts';
import { findCurrentConversationsInSqlite } from './find-current-conversations.ts';
import { findStoredMessagesInSqlite } from './find-stored-messages.ts';
import { upsertContactsInSqlite } from './upsert-contacts.ts';
import { keepStatusesInSqlite, moveMessageStatusesInSqlite } from './record-statuses.ts';
import { writeMessagesInSqlite } from './write-messages.ts';

/** SQLite's store primitives: point statements run in-process (see db/store-primitives.ts). */
export const sqliteStorePrimitives: StorePrimitives = {
  findStoredMessages: findStoredMessagesInSqlite,
  upsertContacts: upsertContactsInSqlite,
  findCurrentConversations: findCurrentConversationsInSqlite,
  writeMessages: writeMessagesInSqlite,
  keepStatuses: keepStatusesInSqlite,
  moveMessageStatuses: moveMessageStatusesInSqlite,
};
