import { useState } from 'react';
import { updateConversation } from '../api/conversations.ts';
import type { InboxConversation, Member } from '../api/types.ts';
import { contactLabel } from './labels.ts';

interface HeaderProps {
  conversation: InboxConversation;
  members: Member[];
  panelOpen: boolean;
  onBack(): void;
  onChanged(conversation: InboxConversation): void;
  onToggleContact(): void;
}

/** Who the thread is with, its assignee, and End / Reopen. */
export function ThreadHeader({ conversation: c, members, panelOpen, onBack, onChanged, onToggleContact }: HeaderProps) {
  const [error, setError] = useState<string | null>(null);

  async function change(patch: { status?: 'active' | 'ended'; assignee_id?: string | null }) {
    setError(null);
    try {
      onChanged(await updateConversation(c.id, patch));
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not change the conversation');
    }
  }

  return (
    <header className="thread-header">
      <button type="button" className="ghost back" onClick={onBack} aria-label="Back to conversations">
        ←
      </button>
      <button type="button" className="ghost contact-button" onClick={onToggleContact} aria-expanded={panelOpen} aria-label={`Contact details of ${contactLabel(c.contact)}`}>
        <span className="name">{contactLabel(c.contact)}</span>
        {c.contact.wa_id && c.contact.name && <span className="muted small">+{c.contact.wa_id}</span>}
      </button>
      {c.status === 'ended' && <span className="tag">Ended</span>}
      <select aria-label="Assignee" value={c.assignee?.id ?? ''} onChange={(e) => void change({ assignee_id: e.target.value || null })}>
        <option value="">Unassigned</option>
        {members.map((m) => (
          <option key={m.id} value={m.id}>
            {m.email}
          </option>
        ))}
        {c.assignee && !members.some((m) => m.id === c.assignee?.id) && <option value={c.assignee.id}>{c.assignee.email}</option>}
      </select>
      {c.status === 'active' ? (
        <button type="button" onClick={() => void change({ status: 'ended' })}>
          End
        </button>
      ) : (
        <button type="button" onClick={() => void change({ status: 'active' })}>
          Reopen
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </header>
  );
}
