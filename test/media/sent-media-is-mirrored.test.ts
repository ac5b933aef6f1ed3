import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkFetcher } from '../../src/media/fetch-link.ts';
import { findMediaByMessage } from '../../src/media/store.ts';
import { MediaWorker } from '../../src/media/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { bytesOf, jpegBytes, newStore, queuedMedia } from './helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from './loop.ts';

const CUSTOMER = '14155550123';
const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), bytesOf(30_000, 51)]);
const photo = jpegBytes(20_000);
const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(5000, 1)]);

/** The sender's own file server, as a business hosts the files it sends by `link`. */
async function startFileServer() {
  let active = 0;
  let maxActive = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/files/report.pdf') return void res.writeHead(200, { 'content-type': 'application/pdf' }).end(pdf);
    // Object stores often know no better than octet-stream: the bytes decide.
    if (path === '/files/photo') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(photo);
    if (path === '/moved') return void res.writeHead(302, { location: '/files/report.pdf' }).end();
    if (path === '/busy') return void res.writeHead(503).end();
    if (path === '/big-sticker') return void res.writeHead(200, { 'content-type': 'image/webp', 'content-length': String(600 * 1024) }).end(Buffer.alloc(600 * 1024));
    if (path === '/endless') {
      // No Content-Length: only the running count can stop it.
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      const chunk = Buffer.alloc(64 * 1024, 7);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
      return;
    }
    if (path.startsWith('/slow/')) {
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpegBytes(1000 + Number(path.slice(6))));
      }, 150);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    maxActive: () => maxActive,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(dialects)('sent media is mirrored like received media (%s)', (dialect) => {
  let loop: MediaLoop;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  let t: Tenant;

  /** Sends through the gateway as a client would; returns the wamid. */
  const send = async (type: string, content: Record<string, unknown>) => {
    const res = await fetch(`${loop.gatewayUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, type, [type]: content }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: Array<{ id: string }> }).messages[0]?.id ?? '';
  };
  const row = (wamid: string) => findMediaByMessage(loop.gw.deps.database.db, t.phoneNumberId, wamid);
  const queued = async (wamid: string) => (await queuedMedia(loop.gw.deps.database.db, t.phoneNumberId)).find((q) => q.message_id === wamid);

  beforeAll(async () => {
    files = await startFileServer();
    loop = await startMediaLoop(dialect, 'file', undefined, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    t = await loop.tenant();
    // The customer wrote first: the 24-hour window is open.
    loop.sim.injectInbound({ phone_number_id: t.phoneNumberId, from: CUSTOMER, message: { type: 'text', text: { body: 'hi' } } });
    await loop.sim.flush();
  });
  afterAll(async () => {
    await loop.close();
    await files.close();
  });

  it('mirrors an image sent by an id uploaded to Meta directly, via Meta with the number token', async () => {
    const id = await loop.upload(t, png, 'image/png', 'label.png');
    const wamid = await send('image', { id, caption: 'your label' });

    expect((await loop.message(t, wamid)).kapso.message_type_data).toMatchObject({ media_status: 'pending' });
    expect(await queued(wamid)).toMatchObject({ direction: 'outbound', meta_media_id: id, mime_type: null, kind: 'image' });
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, wamid);
    const data = kapso.media_data as { id: string };
    expect(kapso.media_data).toEqual({ url: kapso.media_url, filename: `image-${data.id.slice(0, 8)}.png`, content_type: 'image/png', byte_size: png.length, id: data.id });
    expect(kapso.content).toBe(`your label Image attached (image-${data.id.slice(0, 8)}.png) [Size: 4.9 KB | Type: image/png] URL: ${String(kapso.media_url)}`);
    expect(await row(wamid)).toMatchObject({ state: 'stored', mime_type: 'image/png' });
    expect(Buffer.from(await (await loop.fetchMedia(kapso.media_url as string)).arrayBuffer()).equals(png)).toBe(true);
  });

  it('mirrors a document sent by link, fetched from the link itself', async () => {
    const wamid = await send('document', { link: `${files.base}/files/report.pdf`, filename: 'report.pdf', caption: 'Q3' });
    expect(await queued(wamid)).toMatchObject({ meta_media_id: null, source_url: `${files.base}/files/report.pdf`, kind: 'document' });
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, wamid);
    expect(kapso.media_data).toMatchObject({ filename: 'report.pdf', content_type: 'application/pdf', byte_size: pdf.length });
    expect(kapso.content).toBe(`Q3 Document attached (report.pdf) [Size: 29.3 KB | Type: application/pdf] URL: ${String(kapso.media_url)}`);
    const res = await loop.fetchMedia(kapso.media_url as string);
    expect(res.headers.get('content-disposition')).toBe('inline; filename="report.pdf"');
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('follows redirects, and lets the bytes decide the type when the link says octet-stream', async () => {
    const moved = await send('document', { link: `${files.base}/moved`, filename: 'moved.pdf' });
    const image = await send('image', { link: `${files.base}/files/photo` });
    await loop.worker.runOnce();
    expect((await loop.message(t, moved)).kapso.media_data).toMatchObject({ content_type: 'application/pdf', byte_size: pdf.length });
    expect((await loop.message(t, image)).kapso.media_data).toMatchObject({ content_type: 'image/jpeg', byte_size: photo.length });
    expect(await row(image)).toMatchObject({ mime_type: 'image/jpeg' });
  });

  it('fails for good on a link that answers 404, and tries a 503 again later', async () => {
    const missing = await send('image', { link: `${files.base}/missing.jpg` });
    const busy = await send('image', { link: `${files.base}/busy` });
    await loop.worker.runOnce();
    expect((await loop.message(t, missing)).kapso.message_type_data).toMatchObject({ media_status: 'failed', media_error: `${new URL(files.base).host}: link answered 404` });
    expect((await loop.message(t, busy)).kapso.message_type_data).toMatchObject({ media_status: 'pending', media_error: `${new URL(files.base).host}: link answered 503` });
  });

  it("holds a linked file to its message type's limit, announced or counted", async () => {
    const sticker = await send('sticker', { link: `${files.base}/big-sticker` });
    const endless = await send('image', { link: `${files.base}/endless` });
    await loop.worker.runOnce();
    expect(await row(sticker)).toMatchObject({ state: 'failed', failure_reason: 'link announced 614400 bytes, over the 512000-byte limit for sticker' });
    expect(await row(endless)).toMatchObject({ state: 'failed', failure_reason: 'download cut off past the 5242880-byte limit' });
  });

  it('downloads at most its concurrency at once', async () => {
    const worker = new MediaWorker(loop.gw.deps, { concurrency: 2 });
    const wamids = [];
    for (let i = 0; i < 5; i++) wamids.push(await send('image', { link: `${files.base}/slow/${i}` }));
    expect(await worker.runOnce()).toBe(5);
    await worker.stop(0);
    expect(files.maxActive()).toBe(2);
    for (const wamid of wamids) expect(await row(wamid)).toMatchObject({ state: 'stored' });
  });
});

describe('links the address policy refuses', () => {
  const fetcher = new LinkFetcher({ timeoutMs: 5_000, allowPrivate: false });
  const { store } = newStore('file', undefined);
  afterAll(() => fetcher.close());

  it.each([
    ['loopback', 'http://127.0.0.1:9/photo.jpg'],
    ['localhost', 'http://localhost:9/photo.jpg'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
    ['private network', 'http://10.1.2.3/photo.jpg'],
    ['non-HTTP', 'ftp://files.example.test/photo.jpg'],
  ])('never fetches a %s link', async (_name, link) => {
    expect(await fetcher.fetch(link, 'image', store)).toMatchObject({ ok: false, transient: false, reason: expect.stringMatching(/^link refused: /) });
  });
});
