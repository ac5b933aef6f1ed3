import type { Note } from '../api/types.ts';
import { clockTime } from '../lib/time.ts';

/** An internal note: stored with the conversation, never sent to the customer. */
export function NoteCard({ note }: { note: Note }) {
  const at = new Date(note.created_at);
  return (
    <aside className="note" aria-label={`Note by ${note.author.email}`}>
      <p className="note-label">
        <strong>Note</strong> · {note.author.email} · <time dateTime={note.created_at}>{clockTime(at)}</time>
      </p>
      <p className="text">{note.body}</p>
    </aside>
  );
}
