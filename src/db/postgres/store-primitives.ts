import type { StorePrimitives } from '../store-primitives.ts';
import { findCurrentConversationsInPostgres } from './find-current-conversations.ts';
import { findStoredMessagesInPostgres } from './find-stored-messages.ts';
import { upsertContactsInPostgres } from './upsert-contacts.ts';
import { keepStatusesInPostgres, moveMessageStatusesInPostgres } from './record-statuses.ts';
import { writeMessagesInPostgres } from './write-messages.ts';

/** PostgreSQL's store primitives: one statement per batch each (see db/store-primitives.ts). */
export const postgresStorePrimitives: StorePrimitives = {
  findStoredMessages: findStoredMessagesInPostgres,
  upsertContacts: upsertContactsInPostgres,
  findCurrentConversations: findCurrentConversationsInPostgres,
  writeMessages: writeMessagesInPostgres,
  keepStatuses: keepStatusesInPostgres,
  moveMessageStatuses: moveMessageStatusesInPostgres,
};
