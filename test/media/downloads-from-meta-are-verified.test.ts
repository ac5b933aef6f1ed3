import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhoneNumberRow } from '../../src/db/schema.ts';
import { downloadMetaMedia, type MediaDownloadResult } from '../../src/media/download.ts';
import { insertMediaJob, markMediaStored } from '../../src/media/store.ts';
import { buildSimulator, type Simulator } from '../../src/simulator/index.ts';
import { findProjectPhoneNumber } from '../../src/tenants/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/harness.ts';
import { bytesOf, jpegBytes, newStore, pathOf, readAll, startMediaGateway, startS3, storeKinds, type TestS3, type TestStore } from './helpers.ts';
import { secretSlots } from '../../src/crypto/secrets.ts';

const matrix = dialects.flatMap((dialect) => storeKinds.map((store) => [dialect, store] as const));
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(matrix)('downloading media from Meta (%s, %s store)', (dialect, storeKind) => {
  let s3: TestS3 | undefined;
  let sim: Simulator;
  let simUrl: string;
  let gw: TestGateway;
  let tenant: Awaited<ReturnType<typeof newTenant>>;
  let number: PhoneNumberRow;
  let store: TestStore;

  /** Uploads a file to the simulator, as a customer's media would be there; returns its media id. */
  const upload = async (bytes: Buffer, type: string, filename = 'file.bin') => {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', type);
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), filename);
    const res = await fetch(`${simUrl}/v24.0/${tenant.phoneNumberId}/media`, { method: 'POST', headers: { authorization: `Bearer ${tenant.accessToken}` }, body: form });
    return ((await res.json()) as { id: string }).id;
  };
  /** Scripts a fault of one media (control API). */
  const fault = async (mediaId: string, body: object) => {
    const res = await fetch(`${simUrl}/_simulator/media/${mediaId}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  };
  const download = (mediaId: string, opts: { maxBytes?: number; number?: PhoneNumberRow } = {}) =>
    downloadMetaMedia(gw.deps, opts.number ?? number, mediaId, store.store, opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {});
  const stored = (result: MediaDownloadResult) => {
    if (!result.ok) throw new Error(`download failed: ${result.reason}`);
    return result;
  };

  beforeAll(async () => {
    if (storeKind === 's3') s3 = await startS3();
    sim = await buildSimulator({ statusDelaysMs: { sent: 0, delivered: 0, read: 0 } });
    simUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });
    store = newStore(storeKind, s3);
    gw = await startMediaGateway(dialect, store.store, { META_GRAPH_URL: simUrl });
    tenant = await newTenant(gw);
    sim.registerNumber({ phone_number_id: tenant.phoneNumberId, display_phone_number: tenant.displayPhoneNumber, waba_id: tenant.wabaId, access_token: tenant.accessToken, app_secret: tenant.appSecret });
    const row = await findProjectPhoneNumber(gw.deps.database.db, tenant.projectId, tenant.phoneNumberId);
    if (!row) throw new Error('number not stored');
    number = row;
  });
  afterAll(async () => {
    await gw.close();
    await sim.close();
    await s3?.close();
  });

  describe('happy path', () => {
    it("stores the file under Meta's SHA-256 after checking it", async () => {
      const photo = jpegBytes(40_000);
      const result = stored(await download(await upload(photo, 'image/jpeg')));
      expect(result).toEqual({ ok: true, key: `sha256/${sha256(photo).slice(0, 2)}/${sha256(photo)}`, sha256: sha256(photo), byteSize: photo.length, contentType: 'image/jpeg', mimeType: 'image/jpeg' });
      expect((await readAll(await store.store.open(result.key))).equals(photo)).toBe(true);
    });

    it('keeps a file received twice once', async () => {
      const voice = Buffer.concat([Buffer.from('OggS'), Buffer.from([0, 2]), Buffer.alloc(20), Buffer.from([1, 19]), Buffer.from('OpusHead'), bytesOf(3000, 21)]);
      const first = stored(await download(await upload(voice, 'audio/ogg')));
      const second = stored(await download(await upload(voice, 'audio/ogg')));
      expect(second.key).toBe(first.key);
      expect(first.contentType).toBe('audio/ogg');
      expect((await store.objects()).filter((k) => k === first.key)).toHaveLength(1);
    });

    it('serves a downloaded file at its signed URL', async () => {
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), bytesOf(50_000, 22)]);
      const { db } = gw.deps.database;
      const now = gw.clock.now();
      const metaMediaId = await upload(pdf, 'application/pdf', 'report.pdf');
      const job = { projectId: tenant.projectId, phoneNumberId: tenant.phoneNumberId, messageId: `wamid.pdf-${storeKind}`, metaMediaId, direction: 'inbound' as const };
      const id = (await insertMediaJob(db, { ...job, mimeType: 'application/pdf', filename: 'report.pdf' }, now)) ?? '';
      const result = stored(await download(metaMediaId));
      await markMediaStored(db, id, { storageKey: result.key, sha256: result.sha256, byteSize: result.byteSize, contentType: result.contentType }, now);
      const res = await gw.app.inject({ method: 'GET', url: pathOf(gw.deps.mediaUrls.urlFor(id, now).url) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe('inline; filename="report.pdf"');
      expect(res.rawPayload.equals(pdf)).toBe(true);
    });

    it('fetches a fresh URL once when the first one has expired', async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      await fault(mediaId, { fail: { on: 'download', status: 404, times: 1 } });
      expect((await download(mediaId)).ok).toBe(true);
    });
  });

  describe('what is not the file Meta announced', () => {
    it('stores a "JPEG" that is not one as application/octet-stream', async () => {
      const result = stored(await download(await upload(Buffer.from('<html><script>alert(1)</script></html>'), 'image/jpeg')));
      expect(result.contentType).toBe('application/octet-stream');
      expect(result.mimeType).toBe('image/jpeg');
    });

    it("gives up on bytes that do not match Meta's SHA-256, even from a fresh URL, and stores nothing", async () => {
      const bytes = jpegBytes(3000);
      const mediaId = await upload(bytes, 'image/jpeg');
      await fault(mediaId, { sha256: sha256(Buffer.from('other bytes')) });
      const result = await download(mediaId);
      expect(result).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('SHA-256 mismatch') });
      expect(await store.store.exists(`sha256/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`)).toBe(false);
    });

    it('cuts off a download longer than announced and stores nothing', async () => {
      const bytes = bytesOf(200_000, 23);
      const mediaId = await upload(bytes, 'application/pdf');
      await fault(mediaId, { file_size: '1000' });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('not the 1000 bytes announced') });
      expect(await store.store.exists(`sha256/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`)).toBe(false);
    });

    it("refuses a file announced over its type's limit without downloading it", async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      await fault(mediaId, { file_size: String(6 * 1024 * 1024), fail: { on: 'download', status: 500, times: 1 } });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('over the 5242880-byte limit for image/jpeg') });
      // The scripted download failure is still pending: the URL was never fetched.
      await fault(mediaId, { file_size: '1000' });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: true, reason: `${new URL(simUrl).host}: download answered 500` });
    });

    it('holds a file to a lower limit when one is given', async () => {
      const mediaId = await upload(bytesOf(20_000, 24), 'application/pdf');
      expect(await download(mediaId, { maxBytes: 10_000 })).toMatchObject({ ok: false, transient: false });
    });
  });

  describe('failures that a later attempt can overcome', () => {
    it('retries later when GET /{media-id} answers 5xx, and succeeds then', async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      await fault(mediaId, { fail: { on: 'metadata', status: 500, times: 1 } });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: true, reason: 'GET /{media-id} answered 500 (code 2)' });
      expect((await download(mediaId)).ok).toBe(true);
    });

    it('retries later when the download answers 5xx', async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      await fault(mediaId, { fail: { on: 'download', status: 503, times: 1 } });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: true, reason: `${new URL(simUrl).host}: download answered 503` });
    });

    it('retries later when a fresh URL has expired too', async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      await fault(mediaId, { fail: { on: 'download', status: 404, times: 2 } });
      expect(await download(mediaId)).toMatchObject({ ok: false, transient: true, reason: expect.stringContaining('expired') });
    });

    it("retries later when Meta rejects the number's token", async () => {
      const mediaId = await upload(jpegBytes(1000), 'image/jpeg');
      const revoked = { ...number, access_token_enc: gw.deps.cipher.encrypt('revoked-token', secretSlots.accessToken(number.id)) };
      expect(await download(mediaId, { number: revoked })).toMatchObject({ ok: false, transient: true, reason: expect.stringContaining('access token rejected') });
    });

    it('retries later when the Graph API cannot be reached', async () => {
      const unreachable = { ...number, graph_url: 'http://127.0.0.1:9' };
      expect(await download('123', { number: unreachable })).toMatchObject({ ok: false, transient: true, reason: 'Graph API unreachable' });
    });
  });

  describe('failures for good', () => {
    it('gives up on a media id Meta does not know', async () => {
      expect(await download('999999999999999')).toMatchObject({ ok: false, transient: false, reason: expect.stringContaining('media unavailable') });
    });
  });
});
