import { GraphError } from '../http/errors.ts';

/* The inbox API's own refusals (docs/inbox-api.md), in Meta's envelope like every other error. */

export const inboxErrors = {
  /** Wrong password, unknown email or a member without a password: one answer for all three. */
  signInFailed(): GraphError {
    return new GraphError(401, 190, 'OAuthException', 'Email or password is wrong', 'Check the email and password, or ask an admin for a sign-in link.');
  },
  /** No session cookie, or one whose session expired, was revoked or whose member was removed. */
  notSignedIn(): GraphError {
    return new GraphError(401, 190, 'OAuthException', 'Not signed in', 'Sign in to the inbox: the session is missing, expired or ended.');
  },
  /** A state change without the session's X-CSRF-Token, or from another site's page. */
  csrfRefused(reason: 'token' | 'origin'): GraphError {
    const details = reason === 'token' ? "Send the session's csrf_token in the X-CSRF-Token header." : 'The request comes from another origin than this gateway.';
    return new GraphError(403, 10, 'OAuthException', '(#10) Request refused', details);
  },
  /** Too many failed sign-ins for this email or from this address (docs/inbox-api.md "Signing in"). */
  tooManySignInAttempts(retryAfterSeconds: number): GraphError {
    return new GraphError(429, 4, 'OAuthException', '(#4) Too many sign-in attempts', `Too many failed sign-ins; try again in ${retryAfterSeconds} s.`, undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  },
};
