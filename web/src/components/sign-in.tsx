import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/http.ts';
import { signIn } from '../api/session.ts';
import type { Session } from '../api/types.ts';

/** The sign-in form: fields labelled Email and Password, a Sign in button (stable labels, docs/inbox.md). */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const expired = new URLSearchParams(location.search).get('sign_in') === 'expired';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(email.trim(), password);
      if (expired) history.replaceState(null, '', '/');
      onSignedIn(session);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Switchboard inbox</h1>
        {expired && <p className="notice">This sign-in link has expired or was used. Sign in with your password or ask an admin for a new link.</p>}
        {notice && !expired && <p className="notice">{notice}</p>}
        <label>
          Email
          <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function describe(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) return `Too many attempts. Try again in ${Math.ceil((err.retryAfterSec ?? 60) / 60)} min.`;
    if (err.status === 401) return 'Email or password is wrong.';
    return err.message;
  }
  return 'The gateway cannot be reached. Check your connection and try again.';
}
