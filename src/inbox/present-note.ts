import type { NoteView } from './notes-store.ts';
import { isoOf } from './present-conversation.ts';

/** A note as the inbox shows it (docs/inbox-api.md `Note`). */
export interface Note {
  id: string;
  conversation_id: string;
  body: string;
  author: { id: string; email: string };
  created_at: string;
}

/** Renders a stored note (pure). */
export function presentNote(row: NoteView): Note {
  return { id: row.id, conversation_id: row.conversation_id, body: row.body, author: { id: row.author_user_id, email: row.author_email ?? '' }, created_at: isoOf(row.created_at) };
}
