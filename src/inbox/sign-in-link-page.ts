import { createHash } from 'node:crypto';
import { escapeHtml } from '../http/escape-html.ts';

/*
 * The page a one-time sign-in link opens (docs/inbox-api.md "Signing in"), pure. Opening the link
 * spends nothing: mail scanners and link previewers fetch it too, and another site can make a
 * browser fetch it. Only the page's same-origin form POST signs in.
 */

/** Whom a usable link signs in. */
export interface SignInLinkMember {
  email: string;
  projectName: string;
}

const STYLE =
  'body{margin:0;min-height:100vh;display:grid;place-items:center;font:16px/1.5 system-ui,sans-serif;background:#f0f2f5;color:#1c1e21}' +
  'main{max-width:26rem;margin:1rem;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.2)}' +
  // A name moves to the next line whole rather than break at its hyphens; one longer than the
  // line (a phone's width) still wraps, anywhere.
  'h1{font-size:1.25rem;margin-top:0}strong{display:inline-block;max-width:100%;overflow-wrap:anywhere}' +
  'button{font:inherit;padding:.5rem 1.5rem;border:0;border-radius:6px;background:#00796b;color:#fff;cursor:pointer}';

/**
 * The page's own headers. Its one `<style>` is allowed by hash, nothing else loads; no framing,
 * which would let another site trick a click on the button (clickjacking restores login CSRF).
 * The Referer carries at most the origin, never the token in the path; `no-referrer` would also
 * make browsers send `Origin: null` on the form's POST, which the same-origin check refuses.
 */
export const SIGN_IN_LINK_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin',
  'cache-control': 'no-store',
};

/**
 * The HTML for a link's token: whom it signs in and a **Sign in** button posting to the link, or,
 * for a used, expired or unknown token (`member` null), that it expired and a way to the inbox.
 */
export function signInLinkPage(token: string, member: SignInLinkMember | null): string {
  const body = member
    ? `<h1>Sign in to the team inbox</h1>
<p>This link signs you in as <strong>${escapeHtml(member.email)}</strong> to the project <strong>${escapeHtml(member.projectName)}</strong>.</p>
<form method="post" action="${escapeHtml(`/inbox/sign-in/${encodeURIComponent(token)}`)}"><button type="submit">Sign in</button></form>`
    : `<h1>This sign-in link has expired</h1>
<p>It was used already, is older than 24 hours, or was replaced. Ask an admin for a new link, or sign in with your password.</p>
<p><a href="/">Go to the sign-in page</a></p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Switchboard</title><style>${STYLE}</style></head>
<body><main>
${body}
</main></body></html>
`;
}
