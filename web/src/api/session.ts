import { api, setCsrfToken } from './http.ts';
import type { Session } from './types.ts';

/** The current session, or null when signed out. */
export async function loadSession(): Promise<Session | null> {
  try {
    const session = await api<Session>('/inbox/api/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch {
    return null;
  }
}

export async function signIn(email: string, password: string): Promise<Session> {
  const session = await api<Session>('/inbox/api/session', { method: 'POST', body: { email, password } });
  setCsrfToken(session.csrf_token);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    await api<void>('/inbox/api/session', { method: 'DELETE' });
  } finally {
    setCsrfToken(null);
  }
}
