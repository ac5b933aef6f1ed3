import { type FormEvent, useState } from 'react';
import type { Session } from '../api/types.ts';
import { askNotificationPermission, notificationPermission } from '../live/notifications.ts';
import { navigate } from '../lib/router.ts';

/** Project name, the Search field, live state, notifications and sign-out. */
export function TopBar({ session, connected, query, onSignOut }: { session: Session; connected: boolean; query: string; onSignOut: () => void }) {
  const [permission, setPermission] = useState(notificationPermission);

  return (
    <header className="top-bar">
      <a
        className="brand"
        aria-label="Conversations"
        title={`${session.user.project_name}: conversations`}
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate({ screen: 'list' });
        }}
      >
        {session.user.project_name}
      </a>
      <SearchForm key={query} query={query} />
      <span className={connected ? 'live on' : 'live off'} role="status" title={connected ? 'Live updates on' : 'Reconnecting…'}>
        <span className="visually-hidden">{connected ? 'Live' : 'Reconnecting'}</span>
      </span>
      {permission === 'default' && (
        <button type="button" className="ghost" aria-label="Enable notifications" onClick={() => void askNotificationPermission().then(setPermission)}>
          <span className="long-label">Enable notifications</span>
          <span className="short-label">Notify me</span>
        </button>
      )}
      <span className="who" title={session.user.email}>
        {session.user.email}
      </span>
      <button type="button" className="ghost" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}

/** The Search field; keyed by the route's query, so it shows the query of the screen it is on. */
function SearchForm({ query }: { query: string }) {
  const [q, setQ] = useState(query);
  function submit(event: FormEvent) {
    event.preventDefault();
    navigate({ screen: 'search', q: q.trim() }, { replace: location.pathname === '/search' });
  }
  return (
    <form role="search" className="search-form" onSubmit={submit}>
      <input type="search" aria-label="Search" placeholder="Search messages" value={q} onChange={(e) => setQ(e.target.value)} />
    </form>
  );
}
