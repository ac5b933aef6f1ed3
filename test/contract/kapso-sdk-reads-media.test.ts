import { WhatsAppClient } from '@kapso/whatsapp-cloud-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';
import { jpegBytes } from '../media/helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from '../media/loop.ts';

/**
 * Kapso's SDK reading a media message's stored file, as the inbox does: `messages.get` with
 * `fields=kapso(media_url,media_data,has_media)`, then the URL fetched with no headers at all
 * (kapso-api.md §2.2, §6.4.2). PUBLIC_URL is the gateway's own listening origin here.
 */
describe.each(dialects)('@kapso/whatsapp-cloud-api reading stored media (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  let origin: string;
  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    loop = await startMediaLoop(dialect, 'file', undefined, { PORT: String(port), PUBLIC_URL: origin });
    t = await loop.tenant();
  });
  afterAll(() => loop.close());

  it('gets media_url and media_data camel-cased, and the URL serves the file to a plain fetch', async () => {
    const photo = jpegBytes(48_213);
    const wamid = await loop.receive(t, 'image', { caption: 'receipt', data: photo.toString('base64') });
    await loop.worker.runOnce();

    const client = new WhatsAppClient({ baseUrl: loop.gatewayUrl, kapsoApiKey: t.apiKey, graphVersion: 'v24.0' });
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
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
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
