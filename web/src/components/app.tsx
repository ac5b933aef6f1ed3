import { useEffect, useState } from 'react';
import { onSessionEnded } from '../api/http.ts';
import type { Session } from '../api/types.ts';
import { Inbox } from './inbox.tsx';
import { SignIn } from './sign-in.tsx';

/** Waits for the session (requested at start), then shows the sign-in screen or the inbox. */
export function App({ firstSession }: { firstSession: Promise<Session | null> }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);

  useEffect(() => {
    void firstSession.then(setSession);
    onSessionEnded(() => {
      setEnded(true);
      setSession(null);
    });
    return () => onSessionEnded(null);
  }, [firstSession]);

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
