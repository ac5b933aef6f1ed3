import { useEffect, useState } from 'react';
import { onSessionEnded } from '../api/http.ts';
import { loadSession } from '../api/session.ts';
import type { Session } from '../api/types.ts';
import { Inbox } from './inbox.tsx';
import { SignIn } from './sign-in.tsx';

/** Loads the session once, then shows the sign-in screen or the inbox. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    void loadSession().then(setSession);
    onSessionEnded(() => {
      setEnded(true);
      setSession(null);
    });
    return () => onSessionEnded(null);
  }, []);

  if (session === undefined) return <p className="loading" role="status">Loading…</p>;
  if (session === null) {
    return (
      <SignIn
        notice={ended ? 'Your session ended. Sign in again.' : null}
        onSignedIn={(next) => {
          setEnded(false);
          setSession(next);
        }}
      />
    );
  }
  return <Inbox session={session} onSignedOut={() => setSession(null)} />;
}
