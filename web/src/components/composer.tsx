import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { addNote } from '../api/conversations.ts';
import { uploadMedia, type SendBody } from '../api/messages.ts';
import type { InboxConversation, KapsoMessage, Note, Session } from '../api/types.ts';
import { loadDraft, saveDraft } from '../state/drafts.ts';
import { quoteText } from './message-bubble.tsx';
import { PaperclipIcon } from './icons.tsx';
import { TemplateForm } from './template-form.tsx';

interface ComposerProps {
  conversation: InboxConversation;
  session: Session;
  replyTo: KapsoMessage | null;
  onCancelReply(): void;
  send(body: SendBody): Promise<boolean>;
  onNote(note: Note): void;
}

/** Whether free-form messages may be sent: within 24 h of the customer's last message. */
export function windowOpen(conversation: InboxConversation, now = Date.now()): boolean {
  return conversation.window_open_until !== null && Date.parse(conversation.window_open_until) > now;
}

/**
 * The composer: a reply (text, attachment, reply-to) while the 24-hour window is open, an
 * approved template once it is closed, or an internal note. Drafts are kept per conversation.
 */
export function Composer({ conversation, replyTo, onCancelReply, send, onNote }: ComposerProps) {
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [now, setNow] = useState(() => Date.now());
  // The window closes while the thread is open: re-check every minute.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  const open = windowOpen(conversation, now);

  return (
    <div className="composer">
      <div className="composer-tabs" role="group" aria-label="Compose">
        <button type="button" className="tab" aria-pressed={mode === 'reply'} onClick={() => setMode('reply')}>
          Reply
        </button>
        <button type="button" className="tab" aria-pressed={mode === 'note'} onClick={() => setMode('note')}>
          Note
        </button>
      </div>
      {mode === 'note' ? (
        <NoteForm conversationId={conversation.id} onNote={onNote} />
      ) : conversation.status === 'ended' ? (
        <p className="notice">This conversation has ended. Reopen it to reply.</p>
      ) : open ? (
        <MessageForm conversation={conversation} replyTo={replyTo} onCancelReply={onCancelReply} send={send} />
      ) : (
        <>
          <p className="notice">The 24-hour window is closed: the customer has not written in the last 24 hours, so WhatsApp only accepts an approved template until they reply.</p>
          <TemplateForm phoneNumberId={conversation.phone_number_id} send={send} />
        </>
      )}
    </div>
  );
}

const MEDIA_TYPES = ['image', 'video', 'audio'] as const;

function mediaTypeOf(file: File): 'image' | 'video' | 'audio' | 'document' {
  return MEDIA_TYPES.find((t) => file.type.startsWith(`${t}/`)) ?? 'document';
}

function MessageForm({ conversation, replyTo, onCancelReply, send }: Pick<ComposerProps, 'conversation' | 'replyTo' | 'onCancelReply' | 'send'>) {
  const [text, setText] = useState(() => loadDraft(conversation.id));
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => saveDraft(conversation.id, text), [conversation.id, text]);
  useEffect(() => {
    if (replyTo) input.current?.focus();
  }, [replyTo]);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (busy || (!body && !file)) return;
    setError(null);
    const context = replyTo ? { context: { message_id: replyTo.id } } : {};
    let message: SendBody;
    if (file) {
      setBusy(true);
      try {
        const { id } = await uploadMedia(conversation.phone_number_id, file);
        const type = mediaTypeOf(file);
        const caption = body && type !== 'audio' ? { caption: body } : {};
        message = { type, [type]: { id, ...caption, ...(type === 'document' ? { filename: file.name } : {}) }, ...context };
      } catch (err) {
        // The file and the text stay in the composer: nothing typed is lost.
        setError(`The file could not be uploaded: ${err instanceof Error ? err.message : 'unknown error'}`);
        return;
      } finally {
        setBusy(false);
      }
    } else {
      message = { type: 'text', text: { body }, ...context };
    }
    // From here the message is in the outbox: shown, kept and retried until the gateway accepts it.
    setText('');
    setFile(null);
    onCancelReply();
    void send(message);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey || !event.shiftKey) && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form className="message-form" onSubmit={(e) => void submit(e)}>
      {replyTo && (
        <p className="replying">
          <span>Replying to: {quoteText(replyTo)}</span>
          <button type="button" className="ghost small" onClick={onCancelReply} aria-label="Cancel reply">
            ✕
          </button>
        </p>
      )}
      {file && (
        <p className="attachment">
          <span>
            <PaperclipIcon /> {file.name}
          </span>
          <button type="button" className="ghost small" onClick={() => setFile(null)} aria-label="Remove attachment">
            ✕
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="compose-row">
        <label className="attach ghost" title="Attach a file">
          <PaperclipIcon />
          <input type="file" aria-label="Attach" accept="image/*,video/*,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} className="visually-hidden" />
        </label>
        <textarea ref={input} aria-label="Message" placeholder={file ? 'Add a caption' : 'Type a message'} rows={1} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKeyDown} />
        <button type="submit" className="primary" disabled={busy}>
          Send
        </button>
      </div>
    </form>
  );
}

function NoteForm({ conversationId, onNote }: { conversationId: string; onNote(note: Note): void }) {
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!body.trim()) return;
    try {
      onNote(await addNote(conversationId, body.trim()));
      setBody('');
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The note could not be saved');
    }
  }

  return (
    <form className="note-form" onSubmit={(e) => void submit(e)}>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="compose-row">
        <textarea aria-label="Note" placeholder="Internal note: only your team sees it" rows={1} maxLength={4096} value={body} onChange={(e) => setBody(e.target.value)} />
        <button type="submit">Add note</button>
      </div>
    </form>
  );
}
