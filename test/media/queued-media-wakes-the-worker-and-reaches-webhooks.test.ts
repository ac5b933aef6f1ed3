import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaWorker } from '../../src/media/worker.ts';
import { dialects } from '../helpers/dialects.ts';
import { fixtureFor, postWebhook } from '../helpers/factories.ts';
import { newWorker, subscribe } from '../helpers/outbox.ts';
import { type Receiver, startReceiver } from '../helpers/receiver.ts';
import { jpegBytes } from './helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from './loop.ts';

const CUSTOMER = '14155550123';

describe.each(dialects)('the media worker of a running gateway (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  let worker: MediaWorker;
  let rings = 0;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect);
    t = await loop.tenant();
    // Polls only once a minute: what happens sooner, the bell did.
    worker = new MediaWorker(loop.gw.deps, { idlePollMs: 60_000, wakeOn: loop.gw.deps.mediaBell });
    loop.gw.deps.mediaBell.subscribe(() => rings++);
    worker.start();
  });
  afterAll(async () => {
    await worker.stop(1_000);
    await loop.close();
  });

  /** The next download the worker completes, and whether a wake (not its minute-long poll) led to it. */
  const nextDownload = () => {
    let woken = false;
    const onWoken = () => (woken = true);
    worker.events.on('woken', onWoken);
    return worker.events.next('completed').then(({ job }) => {
      worker.events.off('woken', onWoken);
      return { messageId: job.row.message_id, woken };
    });
  };

  it('is woken by ingest committing a media message, and stores the file without being asked', async () => {
    const download = nextDownload();
    const wamid = await loop.receive(t, 'image', { data: jpegBytes(5000).toString('base64') });
    expect(await download).toEqual({ messageId: wamid, woken: true });
    const { kapso } = await loop.message(t, wamid, 'kapso(media_url)');
    expect(kapso.media_url).toMatch(/^https:\/\/gw\.example\.test\/media\//);
  });

  it('is woken by a media send through the proxy', async () => {
    const mediaId = await loop.upload(t, jpegBytes(3000), 'image/jpeg');
    const download = nextDownload();
    const res = await fetch(`${loop.gatewayUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: mediaId } }),
    });
    const wamid = ((await res.json()) as { messages: Array<{ id: string }> }).messages[0]?.id ?? '';
    expect(await download).toEqual({ messageId: wamid, woken: true });
    const { kapso } = await loop.message(t, wamid, 'kapso(media_url)');
    expect(kapso.media_url).toBeDefined();
  });

  it('is not rung for text', async () => {
    const before = rings;
    expect((await postWebhook(loop.gw, fixtureFor('text', t), t.appSecret)).statusCode).toBe(200);
    expect(rings).toBe(before);
    expect((await postWebhook(loop.gw, fixtureFor('audio-voice', t), t.appSecret)).statusCode).toBe(200);
    expect(rings).toBe(before + 1);
  });
});

describe.each(dialects)('webhooks of media messages (%s)', (dialect) => {
  let loop: MediaLoop;
  let receiver: Receiver;
  let t: Tenant;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect, 'file', undefined, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    receiver = await startReceiver();
    t = await loop.tenant();
    await subscribe(loop.gw, { projectId: t.projectId, phoneNumberId: t.phoneNumberId, url: receiver.url });
  });
  afterAll(async () => {
    await loop.close();
    await receiver.close();
  });

  it('carry the file as it is when the event is sent: pending on receipt, media_url once stored', async () => {
    const outbox = newWorker(loop.gw);
    const received = await loop.receive(t, 'image', { caption: 'receipt', data: jpegBytes(4000).toString('base64') });
    await outbox.runOnce();
    const receipt = receiver.requests.find((r) => r.headers['x-webhook-event'] === 'whatsapp.message.received' && r.json.message.id === received);
    expect(receipt?.json.message.kapso).toMatchObject({ has_media: true, message_type_data: { caption: 'receipt', media_status: 'pending' } });
    expect(receipt?.json.message.kapso).not.toHaveProperty('media_url');

    const mediaId = await loop.upload(t, jpegBytes(2500), 'image/jpeg');
    const res = await fetch(`${loop.gatewayUrl}/v24.0/${t.phoneNumberId}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': t.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: CUSTOMER, type: 'image', image: { id: mediaId, caption: 'label' } }),
    });
    const sent = ((await res.json()) as { messages: Array<{ id: string }> }).messages[0]?.id ?? '';
    await loop.worker.runOnce();
    await loop.sim.flush();
    await outbox.runOnce();
    await outbox.stop(0);
    const delivered = receiver.requests.find((r) => r.headers['x-webhook-event'] === 'whatsapp.message.delivered' && r.json.message.id === sent);
    const kapso = delivered?.json.message.kapso;
    expect(kapso.media_url).toMatch(/^https:\/\/gw\.example\.test\/media\//);
    expect(kapso.media_data).toMatchObject({ url: kapso.media_url, content_type: 'image/jpeg', byte_size: 2500 });
    expect(kapso.content).toMatch(/^label Image attached \(image-[0-9a-f]{8}\.jpg\) \[Size: 2\.4 KB \| Type: image\/jpeg\] URL: https:\/\/gw\.example\.test\/media\//);
  });
});
