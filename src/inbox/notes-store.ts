import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** A note with its author's email (a removed member's notes still name them). */
export interface NoteView {
  id: string;
  conversation_id: string;
  body: string;
  author_user_id: string;
  author_email: string | null;
  created_at: number | string;
}

/** Inserts a note; the caller has checked the conversation is the project's. */
export async function insertNote(
  db: Db,
  note: { id: string; projectId: string; conversationId: string; authorUserId: string; body: string; createdAt: number },
): Promise<void> {
  await db
    .insertInto('conversation_notes')
    .values({ id: note.id, project_id: note.projectId, conversation_id: note.conversationId, author_user_id: note.authorUserId, body: note.body, created_at: note.createdAt })
    .execute();
}

function notesOfProject(db: Db, projectId: string) {
  return db
    .selectFrom('conversation_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_user_id')
    .select(['n.id', 'n.conversation_id', 'n.body', 'n.author_user_id', 'u.email as author_email', 'n.created_at'])
    .where('n.project_id', '=', projectId);
}

/** A conversation's notes, oldest first (conversation_notes (conversation_id, created_at, id)). */
export async function listNotes(db: Db, projectId: string, conversationId: string): Promise<NoteView[]> {
  return notesOfProject(db, projectId).where('n.conversation_id', '=', conversationId).orderBy('n.created_at').orderBy('n.id').execute();
}

/** One note of the project by id (the live stream renders `note` events with it). */
export async function findNote(db: Db, projectId: string, noteId: string): Promise<NoteView | undefined> {
  return notesOfProject(db, projectId).where('n.id', '=', noteId).executeTakeFirst();
}
