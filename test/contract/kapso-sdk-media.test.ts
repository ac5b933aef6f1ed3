import { createHash } from 'node:crypto';
import { GraphApiError, WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { jpegBytes } from '../media/helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from '../media/loop.ts';

/**
 * Every `media` method of Kapso's SDK 0.3.0 against Switchboard, whose Graph API is the simulator
 * (kapso-api.md §6.4): `upload` passes through to Meta and keeps a copy, `get` answers from that
 * copy with a URL that works with no headers, `download` fetches it as the SDK does (no headers
 * off `kapso.ai`), `delete` reaches Meta for a media id the gateway knows. Then the stored media of
 * a received message, read as the inbox reads it (§2.2). The media loop is the gateway and the
 * simulator over HTTP with a media worker run by hand; PUBLIC_URL is the gateway's own origin.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api media through the gateway (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  let origin: string;
  let client: WhatsAppClient;
  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    loop = await startMediaLoop(dialect, 'file', undefined, { PORT: String(port), PUBLIC_URL: origin });
    t = await loop.tenant();
    client = new WhatsAppClient({ baseUrl: loop.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
  });
  afterAll(() => loop.close());

  const photo = jpegBytes(20_480);
  const uploadPhoto = () => client.media.upload({ phoneNumberId: t.phoneNumberId, type: 'image/jpeg', file: new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), fileName: 'plant.jpg' });

  describe('upload, get, download, delete', () => {
    it('upload answers Meta’s media id, which Meta (the simulator) now holds', async () => {
      const upload = await uploadPhoto();
      expect(upload).toEqual({ id: expect.stringMatching(/^\d+$/) });
      expect(loop.sim.state.media.get(upload.id)).toMatchObject({ phoneNumberId: t.phoneNumberId });
    });

    it('get answers the kept copy’s metadata with a URL of the gateway’s own', async () => {
      const { id } = await uploadPhoto();
      const metadata = await client.media.get({ mediaId: id, phoneNumberId: t.phoneNumberId });
      expect(metadata).toEqual({
        messagingProduct: 'whatsapp',
        id,
        url: expect.stringMatching(new RegExp(`^${origin}/media/`)),
        mimeType: 'image/jpeg',
        sha256: createHash('sha256').update(photo).digest('hex'),
        fileSize: String(photo.length),
        downloadUrl: metadata.url,
        downloadUrlExpiresAt: expect.any(String),
      });
    });

    it('download fetches the same bytes, as an ArrayBuffer, a Blob or the Response', async () => {
      const { id } = await uploadPhoto();
      const bytes = (await client.media.download({ mediaId: id, phoneNumberId: t.phoneNumberId })) as ArrayBuffer;
      expect(Buffer.from(bytes).equals(photo)).toBe(true);
      const blob = (await client.media.download({ mediaId: id, phoneNumberId: t.phoneNumberId, as: 'blob' })) as Blob;
      expect(blob.type).toBe('image/jpeg');
      expect(blob.size).toBe(photo.length);
      const res = (await client.media.download({ mediaId: id, phoneNumberId: t.phoneNumberId, as: 'response', auth: 'never' })) as Response;
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    });

    it('delete removes the file at Meta; the gateway’s copy stays part of the history', async () => {
      const { id } = await uploadPhoto();
      expect(await client.media.delete({ mediaId: id, phoneNumberId: t.phoneNumberId })).toEqual({ success: true });
      expect(loop.sim.state.media.has(id)).toBe(false);
      expect(await client.media.get({ mediaId: id, phoneNumberId: t.phoneNumberId })).toMatchObject({ id, mimeType: 'image/jpeg' });
    });

    it('answers a media id the number never had as unknown, for get, delete and download', async () => {
      for (const call of [
        () => client.media.get({ mediaId: '998877665544332', phoneNumberId: t.phoneNumberId }),
        () => client.media.delete({ mediaId: '998877665544332', phoneNumberId: t.phoneNumberId }),
        () => client.media.download({ mediaId: '998877665544332', phoneNumberId: t.phoneNumberId }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(GraphApiError);
        expect(error).toMatchObject({ httpStatus: 404, code: 100 });
      }
    });

    it('answers another project’s media exactly like an unknown id, and deletes nothing at Meta', async () => {
      const { id } = await uploadPhoto();
      const other = await loop.tenant();
      const foreign = new WhatsAppClient({ baseUrl: loop.gatewayUrl, kapsoApiKey: other.apiKey, graphVersion: 'v24.0' });
      for (const phoneNumberId of [t.phoneNumberId, other.phoneNumberId]) {
        expect(await foreign.media.get({ mediaId: id, phoneNumberId }).catch((e: unknown) => e)).toMatchObject({ httpStatus: 404, code: 100 });
        expect(await foreign.media.delete({ mediaId: id, phoneNumberId }).catch((e: unknown) => e)).toMatchObject({ httpStatus: 404, code: 100 });
      }
      expect(loop.sim.state.media.has(id)).toBe(true);
    });
  });

  describe('stored media of a received message', () => {
    it('gets media_url and media_data camel-cased, and the URL serves the file to a plain fetch', async () => {
      const received = jpegBytes(48_213);
      const wamid = await loop.receive(t, 'image', { caption: 'receipt', data: received.toString('base64') });
      await loop.worker.runOnce();

      const message = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid, fields: 'kapso(media_url,media_data,has_media)' });
      const mediaUrl = message.kapso?.mediaUrl ?? '';
      expect(message.kapso).toEqual({
        hasMedia: true,
        mediaUrl: expect.stringMatching(new RegExp(`^${origin}/media/`)),
        mediaData: { url: mediaUrl, filename: expect.stringMatching(/^image-[0-9a-f]{8}\.jpg$/), contentType: 'image/jpeg', byteSize: 48_213, id: expect.any(String) },
      });

      const res = await fetch(mediaUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.from(await res.arrayBuffer()).equals(received)).toBe(true);

      // The message's Meta media id reads through media.get and media.download too.
      const metaId = (message as { image?: { id?: string } }).image?.id ?? '';
      const bytes = (await client.media.download({ mediaId: metaId, phoneNumberId: t.phoneNumberId })) as ArrayBuffer;
      expect(Buffer.from(bytes).equals(received)).toBe(true);
    });

    it('gets the §2.3 content and the pending state through the default fields', async () => {
      const wamid = await loop.receive(t, 'document', { filename: 'invoice.pdf', caption: 'my invoice', data: Buffer.from('%PDF-1.4\nhello').toString('base64') });
      const client = new WhatsAppClient({ baseUrl: loop.gatewayUrl, kapsoApiKey: t.apiKey });
      const pending = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid });
      expect(pending.kapso).not.toHaveProperty('mediaUrl');
      expect(pending.kapso?.messageTypeData).toMatchObject({ mediaStatus: 'pending' });
      await loop.worker.runOnce();
      const stored = await client.messages.get({ phoneNumberId: t.phoneNumberId, messageId: wamid });
      expect(stored.kapso?.content).toBe(`my invoice Document attached (invoice.pdf) [Size: 0.0 KB | Type: application/pdf] URL: ${String(stored.kapso?.mediaUrl)}`);
    });
  });
});
