import { describe, expect, it } from 'vitest';
import { atHost, classifyDownloadStatus, classifyMetadataFailure, classifyNetworkError, transient } from '../../src/media/failures.ts';
import { hexSha256 } from '../../src/media/meta-media.ts';

describe('failures of GET /{media-id}', () => {
  it.each([
    [500, 2, true],
    [503, undefined, true],
    [429, undefined, true],
    [400, 4, true],
    [400, 80007, true],
    [400, 130429, true],
    [401, 190, true],
    [400, 190, true],
    [400, 131052, false],
    [400, 100, false],
    [404, undefined, false],
    [403, 10, false],
  ])('HTTP %d with code %s is transient: %s', (status, code, isTransient) => {
    expect(classifyMetadataFailure(status, code)).toMatchObject({ ok: false, transient: isTransient });
  });
});

describe('failures of the download URL', () => {
  it.each([
    [404, true, true],
    [403, true, true],
    [410, true, true],
    [401, true, undefined],
    [500, true, undefined],
    [429, true, undefined],
    [400, false, undefined],
  ])('HTTP %d is transient: %s, refetched at once: %s', (status, isTransient, refetch) => {
    const failure = classifyDownloadStatus(status);
    expect(failure.transient).toBe(isTransient);
    expect(failure.refetch).toBe(refetch);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'])(
    'treats %s as transient',
    (code) => {
      expect(classifyNetworkError(Object.assign(new Error('boom'), { code }))).toMatchObject({ transient: true });
    },
  );

  it('leaves errors it does not know to the caller, whatever their message says', () => {
    expect(classifyNetworkError(new Error('ECONNRESET timeout socket'))).toBeUndefined();
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBeUndefined();
  });
});

describe("Meta's sha256", () => {
  const hex = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';
  it.each([
    ['hex', hex, hex],
    ['upper-case hex', hex.toUpperCase(), hex],
    ['base64 (webhooks)', Buffer.from(hex, 'hex').toString('base64'), hex],
    ['base64url', Buffer.from(hex, 'hex').toString('base64url'), hex],
    ['a placeholder', 'SHA256_HASH', undefined],
    ['base64 of 16 bytes', Buffer.alloc(16, 1).toString('base64'), undefined],
  ])('reads %s', (_name, value, expected) => {
    expect(hexSha256(value)).toBe(expected);
  });
});

describe('a failure at a host', () => {
  it('names the host it tried, with its port when not the default', () => {
    const timeout = transient('network error UND_ERR_HEADERS_TIMEOUT');
    expect(atHost('https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2', timeout)).toMatchObject({
      transient: true,
      reason: 'lookaside.fbsbx.com: network error UND_ERR_HEADERS_TIMEOUT',
    });
    expect(atHost(new URL('http://files.example.com:8080/a.pdf'), classifyDownloadStatus(503)).reason).toBe('files.example.com:8080: download answered 503');
  });
});
