import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, firstMessageOf, postWebhook } from '../helpers/factories.ts';
import { promoteQueuedMedia } from '../../src/media/queue-store.ts';
import { bytesOf, jpegBytes, queuedMedia, storeKinds } from './helpers.ts';
import { type MediaLoop, PUBLIC_URL, startMediaLoop, startS3MediaLoop, type Tenant } from './loop.ts';

const opus = Buffer.concat([Buffer.from('OggS'), Buffer.from([0, 2]), Buffer.alloc(20), Buffer.from([1, 19]), Buffer.from('OpusHead'), bytesOf(6000, 31)]);
const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42'), Buffer.alloc(4), Buffer.from('mp42isom'), bytesOf(30_000, 32)]);
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), bytesOf(80_000, 33)]);
const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0x10, 0, 0]), Buffer.from('WEBPVP8 '), bytesOf(4000, 34)]);
const photo = jpegBytes(48_213);

/** One received file per media type: what the customer sent, and how the gateway shows and serves it. */
const cases = [
  {
    type: 'image',
    content: { caption: 'receipt', mime_type: 'image/jpeg' },
    bytes: photo,
    contentType: 'image/jpeg',
    filename: (id: string) => `image-${id.slice(0, 8)}.jpg`,
    text: (f: string, url: string) => `receipt Image attached (${f}) [Size: 47.1 KB | Type: image/jpeg] URL: ${url}`,
    disposition: 'inline',
  },
  {
    type: 'video',
    content: { caption: 'how it looks', mime_type: 'video/mp4' },
    bytes: mp4,
    contentType: 'video/mp4',
    filename: (id: string) => `video-${id.slice(0, 8)}.mp4`,
    text: (f: string, url: string) => `how it looks Video attached (${f}) [Size: 29.3 KB | Type: video/mp4] URL: ${url}`,
    disposition: 'inline',
  },
  {
    type: 'audio',
    content: { voice: true, mime_type: 'audio/ogg; codecs=opus' },
    bytes: opus,
    contentType: 'audio/ogg',
    filename: (id: string) => `audio-${id.slice(0, 8)}.ogg`,
    text: (f: string, url: string) => `[Audio attached] (${f}) [Size: 5.9 KB | Type: audio/ogg] URL: ${url}`,
    disposition: 'inline',
  },
  {
    type: 'document',
    content: { caption: 'my invoice', filename: 'invoice-0412.pdf', mime_type: 'application/pdf' },
    bytes: pdf,
    contentType: 'application/pdf',
    filename: () => 'invoice-0412.pdf',
    text: (f: string, url: string) => `my invoice Document attached (${f}) [Size: 78.1 KB | Type: application/pdf] URL: ${url}`,
    disposition: 'inline',
  },
  {
    type: 'sticker',
    content: { mime_type: 'image/webp', animated: false },
    bytes: webp,
    contentType: 'image/webp',
    filename: (id: string) => `sticker-${id.slice(0, 8)}.webp`,
    text: (f: string, url: string) => `Sticker attached (${f}) [Size: 3.9 KB | Type: image/webp] URL: ${url}`,
    disposition: 'inline',
  },
];

describe.each(dialects)('received media is downloaded, shown and served (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect);
    t = await loop.tenant();
  });
  afterAll(() => loop.close());

  it.each(cases)('keeps a received $type and serves it at media_url with no headers', async (c) => {
    const wamid = await loop.receive(t, c.type, { ...c.content, data: c.bytes.toString('base64') });

    const pending = await loop.message(t, wamid);
    expect(pending.kapso).not.toHaveProperty('media_url');
    expect(pending.kapso).not.toHaveProperty('media_data');
    expect(pending.kapso.message_type_data).toMatchObject({ media_status: 'pending' });
    expect(pending.kapso.has_media).toBe(true);

    expect(await loop.worker.runOnce()).toBe(1);
    const { kapso } = await loop.message(t, wamid);
    const data = kapso.media_data as { id: string; url: string };
    const url = kapso.media_url as string;
    expect(url).toMatch(new RegExp(`^${PUBLIC_URL}/media/${data.id}\\?expires=\\d+&signature=[A-Za-z0-9_-]{22}$`));
    expect(data).toEqual({ url, filename: c.filename(data.id), content_type: c.contentType, byte_size: c.bytes.length, id: data.id });
    expect(kapso.content).toBe(c.text(c.filename(data.id), url));
    expect(kapso.message_type_data).not.toHaveProperty('media_status');

    const res = await loop.fetchMedia(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(c.contentType);
    expect(res.headers.get('content-length')).toBe(String(c.bytes.length));
    expect(res.headers.get('content-disposition')).toContain(c.disposition);
    expect(Buffer.from(await res.arrayBuffer()).equals(c.bytes)).toBe(true);
  });

  it('shows media in the message list with one fresh URL per message, and nothing for text', async () => {
    const u = await loop.tenant();
    const image = await loop.receive(u, 'image', { data: jpegBytes(3000).toString('base64') });
    const text = loop.sim.injectInbound({ phone_number_id: u.phoneNumberId, from: '14155550123', message: { type: 'text', text: { body: 'that one' } } }).id;
    await loop.sim.flush();
    await loop.worker.runOnce();
    const res = await loop.gw.app.inject({ method: 'GET', url: `/v24.0/${u.phoneNumberId}/messages`, headers: { 'x-api-key': u.apiKey } });
    const byId = new Map((res.json().data as Array<{ id: string; kapso: Record<string, unknown> }>).map((m) => [m.id, m.kapso]));
    expect(byId.get(image)?.media_url).toMatch(/^https:\/\/gw\.example\.test\/media\//);
    expect(byId.get(image)?.content).toMatch(/^Image attached \(image-[0-9a-f]{8}\.jpg\) \[Size: 2\.9 KB \| Type: image\/jpeg\] URL: https:/);
    expect(byId.get(text)).not.toHaveProperty('media_url');
    expect(byId.get(text)?.content).toBe('that one');
  });

  it('queues one download per media message however often it arrives, and none for text', async () => {
    const u = await loop.tenant();
    const image = fixtureFor('image', u);
    expect((await postWebhook(loop.gw, image, u.appSecret)).statusCode).toBe(200);
    expect((await postWebhook(loop.gw, image, u.appSecret)).statusCode).toBe(200);
    expect((await postWebhook(loop.gw, fixtureFor('text', u), u.appSecret)).statusCode).toBe(200);
    const { db } = loop.gw.deps.database;
    // Ingest appends to the media queue; the worker turns the entry into a media row.
    expect(await queuedMedia(db, u.phoneNumberId)).toEqual([expect.objectContaining({ message_id: firstMessageOf(image).id, direction: 'inbound', kind: 'image', mime_type: 'image/jpeg' })]);
    expect(await db.selectFrom('media').select('id').where('phone_number_id', '=', u.phoneNumberId).execute()).toEqual([]);
    expect((await loop.message(u, firstMessageOf(image).id)).kapso.message_type_data).toMatchObject({ media_status: 'pending' });

    expect(await promoteQueuedMedia(db, { limit: 500, now: loop.gw.clock.now() })).toBeGreaterThan(0);
    expect(await queuedMedia(db, u.phoneNumberId)).toEqual([]);
    const rows = await db.selectFrom('media').select(['message_id', 'state']).where('phone_number_id', '=', u.phoneNumberId).execute();
    expect(rows).toEqual([{ message_id: firstMessageOf(image).id, state: 'pending' }]);
    expect((await loop.message(u, firstMessageOf(image).id)).kapso.message_type_data).toMatchObject({ media_status: 'pending' });
  });

  it('signs a new URL on every read, valid for the configured lifetime', async () => {
    const wamid = await loop.receive(t, 'image', { data: jpegBytes(2000).toString('base64') });
    await loop.worker.runOnce();
    const first = (await loop.message(t, wamid, 'kapso(media_url)')).kapso.media_url as string;
    loop.gw.clock.advance(2 * 3_600_000);
    const expired = await loop.fetchMedia(first);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ error: { message: '(#10) Media URL expired' } });
    const second = (await loop.message(t, wamid, 'kapso(media_url)')).kapso.media_url as string;
    expect(second).not.toBe(first);
    const fresh = await loop.fetchMedia(second);
    expect(fresh.status).toBe(200);
    expect((await fresh.arrayBuffer()).byteLength).toBe(2000);
  });
});

describe.runIf(dialects.includes('sqlite') && storeKinds.includes('s3'))('received media kept in S3 (sqlite)', () => {
  let loop: MediaLoop;
  beforeAll(async () => {
    loop = await startS3MediaLoop();
  });
  afterAll(() => loop.close());

  it('downloads a received document into the bucket and serves it from there', async () => {
    const t = await loop.tenant();
    const wamid = await loop.receive(t, 'document', { filename: 'report.pdf', data: pdf.toString('base64') });
    expect(await loop.worker.runOnce()).toBe(1);
    const { kapso } = await loop.message(t, wamid, 'kapso(media_url,media_data)');
    expect(kapso.media_data).toMatchObject({ filename: 'report.pdf', content_type: 'application/pdf', byte_size: pdf.length });
    expect((await loop.store.objects()).filter((k) => k.startsWith('sha256/'))).toHaveLength(1);
    const res = await loop.fetchMedia(kapso.media_url as string, { range: 'bytes=0-8' });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toBe('%PDF-1.4\n');
  });
});
