import type { Selectable } from 'kysely';

/* What the team inbox keeps about conversations (migration 022; part of schema.ts's DB). */

/** A conversation's one assignee, a member of the conversation's project. */
export interface ConversationAssignmentsTable {
  conversation_id: string;
  project_id: string;
  assignee_user_id: string;
  /** Who assigned it; null when not known. */
  assigned_by_user_id: string | null;
  assigned_at: number;
}

/** An internal note on a conversation: stored, shown to members, never sent to the customer. */
export interface ConversationNotesTable {
  id: string;
  project_id: string;
  conversation_id: string;
  author_user_id: string;
  body: string;
  created_at: number;
}

/** A member's read marker in a conversation: the position of the newest message when they read it. */
export interface ConversationReadsTable {
  user_id: string;
  conversation_id: string;
  /** Meta's timestamp (epoch seconds) of that message. */
  last_read_timestamp: number;
  /** Its insertion sequence: with the timestamp, its place in the thread. */
  last_read_seq: number;
  read_at: number;
}

/** Where an inbox send under an Idempotency-Key is. */
export type InboxSendState = 'pending' | 'done';

/** One Idempotency-Key of a member's inbox sends (docs/inbox-api.md "Never sent twice"). */
export interface InboxSendsTable {
  user_id: string;
  key: string;
  /** SHA-256 of the conversation and the body: the key reused for another message is refused. */
  request_hash: string;
  state: InboxSendState;
  /** The HTTP status and JSON body answered, once done. */
  answer_status: number | null;
  answer_body: string | null;
  created_at: number;
}

export type ConversationNoteRow = Selectable<ConversationNotesTable>;
export type InboxSendRow = Selectable<InboxSendsTable>;
