import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMediaJob } from '../../src/media/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { bytesOf, jpegBytes, pathOf, startMediaGateway, startS3, storeKinds, storeMedia, newStore, type TestS3 } from './helpers.ts';

const matrix = dialects.flatMap((dialect) => storeKinds.map((store) => [dialect, store] as const));

describe.each(matrix)('GET /media/{id} (%s, %s store)', (dialect, storeKind) => {
  let gw: TestGateway;
  let s3: TestS3 | undefined;
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  const photo = jpegBytes(20_000);
  const sha = createHash('sha256').update(photo).digest('hex');
  let photoId: string;

  /** The signed path of a media id, as the gateway issues it now. */
  const signed = (id: string) => pathOf(gw.deps.mediaUrls.urlFor(id, gw.clock.now()).url);
  const get = (url: string, headers: Record<string, string> = {}) => gw.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    if (storeKind === 's3') s3 = await startS3();
    gw = await startMediaGateway(dialect, newStore(storeKind, s3).store);
    tenant = await newTenant(gw);
    photoId = await storeMedia(gw, tenant, photo, { contentType: 'image/jpeg', filename: 'photo.jpg' });
  });
  afterAll(async () => {
    await gw.close();
    await s3?.close();
  });

  describe('happy path', () => {
    it('streams the whole file with its type, size, ETag and an inline disposition', async () => {
      const res = await get(signed(photoId));
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.equals(photo)).toBe(true);
      expect(res.headers).toMatchObject({
        'content-type': 'image/jpeg',
        'content-length': String(photo.length),
        etag: `"${sha}"`,
        'accept-ranges': 'bytes',
        'content-disposition': 'inline; filename="photo.jpg"',
        'x-content-type-options': 'nosniff',
        'cache-control': expect.stringMatching(/^private, max-age=\d+$/),
      });
    });

    it('answers HEAD with the same headers and no body', async () => {
      const res = await gw.app.inject({ method: 'HEAD', url: signed(photoId) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-length']).toBe(String(photo.length));
      expect(res.headers.etag).toBe(`"${sha}"`);
      expect(res.rawPayload.length).toBe(0);
    });

    it.each([
      ['the first bytes', 'bytes=0-99', 0, 99],
      ['a middle slice', 'bytes=5000-9999', 5000, 9999],
      ['an open-ended range', 'bytes=19000-', 19000, 19999],
      ['the last 100 bytes', 'bytes=-100', 19900, 19999],
    ])('serves %s as 206 Partial Content', async (_name, range, start, end) => {
      const res = await get(signed(photoId), { range });
      expect(res.statusCode).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${photo.length}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(photo.subarray(start, end + 1))).toBe(true);
    });

    it('answers 416 with the size for a range past the end', async () => {
      const res = await get(signed(photoId), { range: `bytes=${photo.length}-` });
      expect(res.statusCode).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${photo.length}`);
      expect(res.json().error).toMatchObject({ code: 100, message: '(#100) Range not satisfiable' });
    });

    it('answers 304 to a client that holds this version, and the file to one that does not', async () => {
      const cached = await get(signed(photoId), { 'if-none-match': `"${sha}"` });
      expect(cached.statusCode).toBe(304);
      expect(cached.rawPayload.length).toBe(0);
      expect(cached.headers.etag).toBe(`"${sha}"`);
      expect((await get(signed(photoId), { 'if-none-match': '"something-else"' })).statusCode).toBe(200);
    });

    it('ignores a range for another version (If-Range)', async () => {
      const res = await get(signed(photoId), { range: 'bytes=0-9', 'if-range': '"another-version"' });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.length).toBe(photo.length);
      expect((await get(signed(photoId), { range: 'bytes=0-9', 'if-range': `"${sha}"` })).statusCode).toBe(206);
    });

    it('offers a non-ASCII file name in RFC 6266 form', async () => {
      const id = await storeMedia(gw, tenant, bytesOf(100, 7), { contentType: 'application/pdf', filename: 'Preisübersicht März.pdf' });
      const res = await get(signed(id));
      expect(res.headers['content-disposition']).toBe(`inline; filename="Preis_bersicht M_rz.pdf"; filename*=UTF-8''Preis%C3%BCbersicht%20M%C3%A4rz.pdf`);
    });

    it('serves a file whose bytes did not match its type as an octet-stream attachment', async () => {
      const id = await storeMedia(gw, tenant, Buffer.from('<html><script>alert(1)</script></html>'), { contentType: 'application/octet-stream', filename: 'photo.jpg' });
      const res = await get(signed(id));
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['content-disposition']).toBe('attachment; filename="photo.jpg"');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });
  });

  describe('errors', () => {
    const forbidden = (message: string) => ({
      error: { message, type: 'OAuthException', code: 10, error_data: { messaging_product: 'whatsapp', details: expect.any(String) }, fbtrace_id: expect.any(String) },
    });

    it('answers 403 to a URL whose signature was altered', async () => {
      const url = signed(photoId).replace(/signature=(.)/, (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`);
      const res = await get(url);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(forbidden('(#10) Invalid media URL'));
    });

    it('answers 403 to a URL whose expiry was extended', async () => {
      const url = signed(photoId).replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 86_400}`);
      expect((await get(url)).json()).toEqual(forbidden('(#10) Invalid media URL'));
    });

    it('answers 403 to an expired URL', async () => {
      const url = signed(photoId);
      gw.clock.advance(3601 * 1000);
      const res = await get(url);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(forbidden('(#10) Media URL expired'));
      expect((await get(signed(photoId))).statusCode).toBe(200);
    });

    it('answers 403 without a signature, an API key being no substitute', async () => {
      const res = await get(`/media/${photoId}`, { 'x-api-key': tenant.apiKey });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual(forbidden('(#10) Invalid media URL'));
    });

    it('answers a pending file like an unknown id: 404', async () => {
      const pending = await insertMediaJob(
        gw.deps.database.db,
        { projectId: tenant.projectId, phoneNumberId: tenant.phoneNumberId, messageId: `wamid.${randomUUID()}`, metaMediaId: '1', direction: 'inbound', mimeType: 'image/jpeg', filename: null },
        gw.clock.now(),
      );
      const unknown = randomUUID();
      const [a, b] = [await get(signed(pending ?? '')), await get(signed(unknown))];
      expect(a.statusCode).toBe(404);
      expect(b.statusCode).toBe(404);
      expect(a.json().error.error_data).toEqual(b.json().error.error_data);
    });
  });

  describe('security', () => {
    it("never opens another project's media with a URL signed for one's own", async () => {
      const other = await newTenant(gw);
      const theirs = await storeMedia(gw, other, bytesOf(500, 11), { contentType: 'image/jpeg', filename: 'private.jpg' });
      const mine = new URL(`https://x${signed(photoId)}`);
      const res = await get(`/media/${theirs}${mine.search}`);
      expect(res.statusCode).toBe(403);
      expect(res.rawPayload.toString()).not.toContain('private');
      expect((await get(`/media/${theirs}`, { 'x-api-key': tenant.apiKey })).statusCode).toBe(403);
    });
  });
});
