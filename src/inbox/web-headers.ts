/**
 * The security headers of the team inbox's HTML (docs/inbox.md). The app ships no inline script
 * or style and no data: URL, so the policy is `self` only; images, audio and video may also come
 * from the gateway's public origin, where media URLs point (PUBLIC_URL may differ from the origin
 * a browser used), and from blob: URLs the app makes for attachments.
 */
export function inboxHtmlHeaders(publicUrl: string): Record<string, string> {
  const mediaOrigin = originOf(publicUrl);
  const media = ["'self'", 'blob:', ...(mediaOrigin ? [mediaOrigin] : [])].join(' ');
  const policy = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${media}`,
    `media-src ${media}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': policy,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
