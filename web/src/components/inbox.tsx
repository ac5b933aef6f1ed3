import { useEffect, useMemo, useState } from 'react';
import { DEFAULT_FILTER, listMembers, listNumbers } from '../api/conversations.ts';
import { signOut } from '../api/session.ts';
import type { Member, PhoneNumber, Session } from '../api/types.ts';
import { createLiveFeed } from '../live/events.ts';
import { notifyInbound } from '../live/notifications.ts';
import { navigate, useRoute } from '../lib/router.ts';
import { useConversationList } from '../state/conversation-list.ts';
import { ConversationList } from './conversation-list.tsx';
import { Filters } from './filters.tsx';
import { TopBar } from './top-bar.tsx';
import { SearchResults } from './search-results.tsx';
import { Thread } from './thread.tsx';

/** The signed-in inbox: top bar, the list (or search results) and the open thread. */
export function Inbox({ session, onSignedOut }: { session: Session; onSignedOut: () => void }) {
  const route = useRoute();
  const [feed] = useState(createLiveFeed);
  const [connected, setConnected] = useState(true);
  const [numbers, setNumbers] = useState<PhoneNumber[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [filter, setFilter] = useState(DEFAULT_FILTER);
  const list = useConversationList(filter, session.user.id, feed);

  useEffect(() => {
    feed.start(setConnected);
    const unsubscribe = feed.subscribe((event) => {
      if (event.kind === 'message') notifyInbound(event.message, event.conversation_id, (id) => navigate({ screen: 'thread', conversationId: id, around: null }));
    });
    return () => {
      unsubscribe();
      feed.stop();
    };
  }, [feed]);

  useEffect(() => {
    listNumbers().then((r) => setNumbers(r.data), () => undefined);
    listMembers().then((r) => setMembers(r.data), () => undefined);
  }, []);

  const openId = route.screen === 'thread' ? route.conversationId : null;
  const numberLabels = useMemo(() => new Map(numbers.map((n) => [n.id, n.display_phone_number])), [numbers]);

  async function handleSignOut() {
    feed.stop();
    await signOut().catch(() => undefined);
    history.replaceState(null, '', '/');
    onSignedOut();
  }

  return (
    <div className="inbox" data-screen={route.screen}>
      <TopBar session={session} connected={connected} query={route.screen === 'search' ? route.q : ''} onSignOut={() => void handleSignOut()} />
      <aside className="sidebar" aria-label="Conversations">
        {route.screen === 'search' ? (
          <SearchResults q={route.q} />
        ) : (
          <>
            <Filters filter={filter} numbers={numbers} onChange={setFilter} />
            <ConversationList state={list} openId={openId} numberLabels={numbers.length > 1 ? numberLabels : null} />
          </>
        )}
      </aside>
      <main className="pane">
        {route.screen === 'thread' ? (
          <Thread
            key={route.conversationId}
            conversationId={route.conversationId}
            around={route.around}
            session={session}
            members={members}
            feed={feed}
            onConversationChanged={list.upsert}
          />
        ) : (
          <div className="empty-pane">
            <p>Select a conversation to read and reply.</p>
          </div>
        )}
      </main>
    </div>
  );
}
