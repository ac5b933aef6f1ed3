import { useCallback, useEffect, useState } from 'react';
import { getConversation, markRead } from '../api/conversations.ts';
import type { InboxConversation, KapsoMessage, Member, Session } from '../api/types.ts';
import { isWholeConversation, type LiveFeed } from '../live/events.ts';
import { navigate } from '../lib/router.ts';
import { onSent, queueSend, usePendingSends } from '../state/outbox.ts';
import { openConversation } from '../state/prefetch.ts';
import { useThread } from '../state/thread.ts';
import { Composer } from './composer.tsx';
import { ContactPanel } from './contact-panel.tsx';
import { MessageStream } from './message-stream.tsx';
import { ThreadHeader } from './thread-header.tsx';

interface ThreadProps {
  conversationId: string;
  around: string | null;
  session: Session;
  members: Member[];
  feed: LiveFeed | null;
  onConversationChanged(conversation: InboxConversation): void;
}

/** One open conversation: header, timeline, composer, and the contact panel on demand. */
export function Thread({ conversationId, around, session, members, feed, onConversationChanged }: ThreadProps) {
  const [conversation, setConversation] = useState<InboxConversation | null>(null);
  const [missing, setMissing] = useState(false);
  const [replyTo, setReplyTo] = useState<KapsoMessage | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);
  const thread = useThread(conversationId, around, feed);
  const pending = usePendingSends(conversationId);

  const changed = useCallback(
    (next: InboxConversation) => {
      setConversation(next);
      onConversationChanged(next);
    },
    [onConversationChanged],
  );

  // Opening a thread reads it: this member's unread count becomes 0.
  const read = useCallback(() => {
    markRead(conversationId).then(
      () => getConversation(conversationId).then(changed),
      () => undefined,
    );
  }, [conversationId, changed]);

  useEffect(() => {
    openConversation(conversationId).then(
      (c) => {
        setConversation(c);
        read();
      },
      () => setMissing(true),
    );
  }, [conversationId, read]);

  // A message accepted by the gateway shows at once, without waiting for its live event. Sent
  // after 24 h without activity it opens the customer's next conversation (docs/inbox-api.md,
  // "What a send takes"): the thread moves there.
  const { add } = thread;
  useEffect(
    () =>
      onSent((id, message) => {
        if (id !== conversationId) return;
        const landedIn = message.kapso?.whatsapp_conversation_id ?? id;
        if (landedIn === id) add(message);
        else navigate({ screen: 'thread', conversationId: landedIn, around: null }, { replace: true });
      }),
    [conversationId, add],
  );

  useEffect(() => {
    if (!feed) return;
    return feed.subscribe((event) => {
      if (event.kind === 'conversation' && event.conversation?.id === conversationId) {
        if (isWholeConversation(event.conversation)) setConversation(event.conversation);
        else getConversation(conversationId).then(setConversation, () => undefined);
      }
      // A customer message in the open, visible thread is read at once.
      if (event.kind === 'message' && event.conversation_id === conversationId && event.message.kapso?.direction === 'inbound') {
        if (document.visibilityState === 'visible') read();
        else getConversation(conversationId).then(setConversation, () => undefined);
      }
    });
  }, [feed, conversationId, read]);

  if (missing) {
    return (
      <div className="empty-pane">
        <p>This conversation does not exist or is not in your project.</p>
      </div>
    );
  }
  if (!conversation) return <p className="loading" role="status">Loading…</p>;

  async function send(body: Parameters<typeof queueSend>[1]) {
    return (await queueSend(conversationId, body)) !== null;
  }

  return (
    <section className="thread" aria-label={`Conversation with ${conversation.contact.name ?? conversation.contact.wa_id ?? ''}`}>
      <ThreadHeader conversation={conversation} members={members} onBack={() => navigate({ screen: 'list' })} onChanged={changed} onToggleContact={() => setPanelOpen((o) => !o)} panelOpen={panelOpen} />
      <div className="thread-body">
        <div className="thread-main">
          {thread.error && (
            <p className="error" role="alert">
              {thread.error}
            </p>
          )}
          <MessageStream
            messages={thread.messages}
            notes={thread.notes}
            pending={pending}
            highlightId={around}
            hasOlder={thread.hasOlder}
            hasNewer={thread.hasNewer}
            canAct={conversation.status === 'active'}
            loadOlder={thread.loadOlder}
            loadNewer={thread.loadNewer}
            actions={{
              onReply: setReplyTo,
              onReact: (message, emoji) => void send({ type: 'reaction', reaction: { message_id: message.id, emoji } }),
              onJump: (messageId) => {
                const target = document.getElementById(`m-${messageId}`);
                if (target) target.scrollIntoView({ block: 'center' });
                else navigate({ screen: 'thread', conversationId, around: messageId });
              },
            }}
          />
          <Composer key={conversationId} conversation={conversation} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} send={send} onNote={thread.addNote} session={session} />
        </div>
        {panelOpen && <ContactPanel conversation={conversation} onClose={() => setPanelOpen(false)} onChanged={changed} />}
      </div>
    </section>
  );
}
