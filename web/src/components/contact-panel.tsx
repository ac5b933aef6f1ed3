import { type FormEvent, useEffect, useState } from 'react';
import { contactConversations, renameContact } from '../api/conversations.ts';
import type { InboxConversation } from '../api/types.ts';
import { navigate } from '../lib/router.ts';
import { shortTime } from '../lib/time.ts';

/** The contact: editable name, phone, BSUID and username when present, their conversations. */
export function ContactPanel({ conversation, onClose, onChanged }: { conversation: InboxConversation; onClose(): void; onChanged(c: InboxConversation): void }) {
  const { contact } = conversation;
  const [name, setName] = useState(contact.name ?? '');
  const [history, setHistory] = useState<InboxConversation[]>([]);
  const [status, setStatus] = useState<string | null>(null);

  useEffect(() => {
    contactConversations(contact.id).then((r) => setHistory(r.data), () => undefined);
  }, [contact.id]);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      const saved = await renameContact(contact.id, name.trim());
      onChanged({ ...conversation, contact: { ...contact, name: saved.name } });
      setStatus('Saved');
    } catch (err) {
      setStatus(err instanceof Error ? err.message : 'Could not save the name');
    }
  }

  return (
    <aside className="contact-panel" aria-label="Contact">
      <header>
        <h2>Contact</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close contact details">
          ✕
        </button>
      </header>
      <form onSubmit={(e) => void save(e)}>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={256} />
        </label>
        <button type="submit">Save name</button>
        {status && <p role="status">{status}</p>}
      </form>
      <dl>
        {contact.wa_id && (
          <>
            <dt>Phone</dt>
            <dd>+{contact.wa_id}</dd>
          </>
        )}
        {contact.username && (
          <>
            <dt>Username</dt>
            <dd>@{contact.username}</dd>
          </>
        )}
        {contact.business_scoped_user_id && (
          <>
            <dt>BSUID</dt>
            <dd className="mono">{contact.business_scoped_user_id}</dd>
          </>
        )}
      </dl>
      <h3>Conversations</h3>
      <ul className="history">
        {history.map((c) => (
          <li key={c.id}>
            <a
              href={`/c/${encodeURIComponent(c.id)}`}
              aria-current={c.id === conversation.id ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate({ screen: 'thread', conversationId: c.id, around: null });
              }}
            >
              {shortTime(new Date(c.created_at))} · {c.status === 'active' ? 'Active' : 'Ended'}
              {c.last_message?.text ? ` · ${c.last_message.text.slice(0, 40)}` : ''}
            </a>
          </li>
        ))}
      </ul>
    </aside>
  );
}
