import { describe, expect, it } from 'vitest';
import { createMediaUrlSigner, deriveMediaUrlKey, type MediaUrlCheck } from '../../src/crypto/signed-url.ts';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const signer = createMediaUrlSigner({ key: deriveMediaUrlKey('test-secret'), publicUrl: 'https://gw.example.test/', ttlSeconds: 3600 });
const ID = '0b6f1c9e-4a57-4a4e-9d53-1f3a2b4c5d6e';
const OTHER_ID = '7d1e2f3a-1111-4c4c-8888-000000000001';

/** The `expires` and `signature` of a URL the signer issued at `nowMs`. */
function issued(id = ID, nowMs = T0): { expires: string; signature: string } {
  const url = new URL(signer.urlFor(id, nowMs).url);
  return { expires: url.searchParams.get('expires') ?? '', signature: url.searchParams.get('signature') ?? '' };
}

describe('signed media URLs', () => {
  it('point at the public origin with the id, the expiry and the signature', () => {
    const { url, expiresAtSeconds } = signer.urlFor(ID, T0);
    expect(url).toMatch(new RegExp(`^https://gw\\.example\\.test/media/${ID}\\?expires=${expiresAtSeconds}&signature=[A-Za-z0-9_-]{22}$`));
  });

  it('live at most the configured lifetime, and at least nine tenths of it', () => {
    const { expiresAtSeconds } = signer.urlFor(ID, T0 + 123_456);
    const now = (T0 + 123_456) / 1000;
    expect(expiresAtSeconds).toBeLessThanOrEqual(now + 3600);
    expect(expiresAtSeconds).toBeGreaterThan(now + 3240);
  });

  it('give the same URL for the same media within a few minutes, so browsers can cache it', () => {
    expect(signer.urlFor(ID, T0 + 1_000).url).toBe(signer.urlFor(ID, T0 + 60_000).url);
  });

  const valid = issued();
  const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
  it.each<[string, string, string | undefined, string | undefined, number, MediaUrlCheck]>([
    ['the URL as issued', ID, valid.expires, valid.signature, T0, 'valid'],
    ['the URL a second before expiry', ID, valid.expires, valid.signature, Number(valid.expires) * 1000 - 1000, 'valid'],
    ['the URL at its expiry', ID, valid.expires, valid.signature, Number(valid.expires) * 1000, 'expired'],
    ['the URL long after', ID, valid.expires, valid.signature, T0 + 86_400_000, 'expired'],
    ['another media id', OTHER_ID, valid.expires, valid.signature, T0, 'invalid'],
    ['a later expiry', ID, String(Number(valid.expires) + 3600), valid.signature, T0, 'invalid'],
    ['an expiry with a leading zero', ID, `0${valid.expires}`, valid.signature, T0, 'invalid'],
    ['a changed signature', ID, valid.expires, flip(valid.signature), T0, 'invalid'],
    ['a truncated signature', ID, valid.expires, valid.signature.slice(0, 21), T0, 'invalid'],
    ['no signature', ID, valid.expires, undefined, T0, 'invalid'],
    ['no expiry', ID, undefined, valid.signature, T0, 'invalid'],
    ['a non-numeric expiry', ID, 'soon', valid.signature, T0, 'invalid'],
    ['an expired URL with a forged signature', ID, '1', flip(valid.signature), T0, 'invalid'],
  ])('%s is %s', (_name, id, expires, signature, now, outcome) => {
    expect(signer.verify(id, expires, signature, now)).toBe(outcome);
  });

  it('are not verified by a gateway with another secret', () => {
    const other = createMediaUrlSigner({ key: deriveMediaUrlKey('another-secret'), publicUrl: 'https://gw.example.test', ttlSeconds: 3600 });
    expect(other.verify(ID, valid.expires, valid.signature, T0)).toBe('invalid');
  });

  it('derive their key apart from the cursor key of the same secret', async () => {
    const { deriveCursorKey } = await import('../../src/http/cursor.ts');
    expect(deriveMediaUrlKey('s').equals(deriveCursorKey('s'))).toBe(false);
  });
});
