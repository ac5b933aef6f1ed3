import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Signed, expiring media URLs: `${PUBLIC_URL}/media/{id}?expires=<epoch s>&signature=<mac>`,
 * the `media_url` and `media_data.url` clients and browsers fetch with no headers at all
 * (kapso-api.md §2.2, §6.4.2). The signature is the credential: an HMAC over the media id and
 * the expiry, so a URL cannot be carried to another media (another project's included) nor
 * extended. Pure: the clock is passed in.
 */
export interface MediaUrlSigner {
  /** The URL of `mediaId`, valid for about the configured lifetime from `nowMs`. */
  urlFor(mediaId: string, nowMs: number): { url: string; expiresAtSeconds: number };
  sign(mediaId: string, expiresAtSeconds: number): string;
  /** Checks a URL's parts as received; a signature that does not verify is `invalid` even when expired. */
  verify(mediaId: string, expires: string | undefined, signature: string | undefined, nowMs: number): MediaUrlCheck;
}

export type MediaUrlCheck = 'valid' | 'expired' | 'invalid';

const MAC_BYTES = 16;
const SIGNATURE = /^[A-Za-z0-9_-]{22}$/;
const EXPIRES = /^\d{1,12}$/;
// Bumped if the format changes: old URLs then fail as forged rather than misread.
const DOMAIN = 'switchboard-media-url-v1';

/** Derives the URL key from the gateway secret (HKDF, its own label): never the sealing or cursor key. */
export function deriveMediaUrlKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, '', DOMAIN, 32));
}

/**
 * A signer for `publicUrl` with URLs living `ttlSeconds`. Expiries are rounded down to a tenth
 * of the lifetime, so reading the same message twice within a few minutes gives the same URL,
 * which a browser can answer from its cache; a URL never lives longer than `ttlSeconds`.
 */
export function createMediaUrlSigner(opts: { key: Uint8Array; publicUrl: string; ttlSeconds: number }): MediaUrlSigner {
  const step = Math.max(1, Math.floor(opts.ttlSeconds / 10));
  const origin = opts.publicUrl.replace(/\/+$/, '');
  const mac = (mediaId: string, expiresAtSeconds: number) =>
    createHmac('sha256', opts.key).update(`${DOMAIN}\n${mediaId}\n${expiresAtSeconds}`).digest().subarray(0, MAC_BYTES).toString('base64url');

  return {
    urlFor(mediaId, nowMs) {
      const latest = Math.floor(nowMs / 1000) + opts.ttlSeconds;
      const expiresAtSeconds = latest - (latest % step);
      const query = `expires=${expiresAtSeconds}&signature=${mac(mediaId, expiresAtSeconds)}`;
      return { url: `${origin}/media/${encodeURIComponent(mediaId)}?${query}`, expiresAtSeconds };
    },
    sign: mac,
    verify(mediaId, expires, signature, nowMs) {
      if (expires === undefined || signature === undefined || !EXPIRES.test(expires) || !SIGNATURE.test(signature)) return 'invalid';
      const expiresAtSeconds = Number(expires);
      // Compared as text: base64 decoding ignores the spare bits of the last character, so two
      // spellings of one MAC would otherwise both verify. `expires` is re-rendered for the same
      // reason (`0123` must not pass as `123`).
      const expected = Buffer.from(mac(mediaId, expiresAtSeconds));
      if (String(expiresAtSeconds) !== expires || !timingSafeEqual(Buffer.from(signature), expected)) return 'invalid';
      return expiresAtSeconds * 1000 > nowMs ? 'valid' : 'expired';
    },
  };
}
