import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndistinguishable } from '../helpers/common-route-tests.ts';
import { dialects } from '../helpers/dialects.ts';
import { newTenant } from '../helpers/factories.ts';
import { jpegBytes, storeKinds } from './helpers.ts';
import { type MediaLoop, PUBLIC_URL, startMediaLoop, startS3MediaLoop, type Tenant } from './loop.ts';

/**
 * `GET /{media_id}?phone_number_id=` answers from the gateway's copy (kapso-api.md §6.4.2): Meta's
 * metadata object whose `url` and `download_url` are the gateway's signed URL, never Meta's
 * lookaside URL (which needs the business's Meta token, which the gateway's clients never hold).
 */
describe.each(dialects)('media metadata through the gateway (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect);
    t = await loop.tenant();
  });
  afterAll(() => loop.close());

  const metadata = (mediaId: string, tenant: Tenant = t, owner = tenant.phoneNumberId, prefix = '') =>
    loop.gw.app.inject({ method: 'GET', url: `${prefix}/v24.0/${mediaId}?phone_number_id=${owner}`, headers: { 'x-api-key': tenant.apiKey } });

  it("describes a customer's stored photo with the gateway's own URL, which serves it with no headers", async () => {
    const photo = jpegBytes(3_000);
    const mediaId = await loop.upload(t, photo, 'image/jpeg', 'photo.jpg');
    await loop.receive(t, 'image', { id: mediaId });
    await loop.worker.runOnce();

    const res = await metadata(mediaId);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      messaging_product: 'whatsapp',
      id: mediaId,
      url: expect.stringMatching(new RegExp(`^${PUBLIC_URL}/media/[^?]+\\?expires=\\d+&signature=`)),
      mime_type: 'image/jpeg',
      sha256: createHash('sha256').update(photo).digest('hex'),
      file_size: '3000',
      download_url: body.url,
      download_url_expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
    const served = await loop.fetchMedia(body.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true);
  });

  it('answers under Kapso’s /meta/whatsapp prefix too', async () => {
    const mediaId = await loop.upload(t, jpegBytes(1_000), 'image/jpeg');
    await loop.receive(t, 'image', { id: mediaId });
    await loop.worker.runOnce();
    const res = await metadata(mediaId, t, t.phoneNumberId, '/meta/whatsapp');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: mediaId, file_size: '1000' });
  });

  it('answers 503 with Retry-After while the copy is still being made', async () => {
    const mediaId = await loop.upload(t, jpegBytes(1_000), 'image/jpeg');
    await loop.receive(t, 'image', { id: mediaId });
    const res = await metadata(mediaId);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json().error).toMatchObject({ code: 2, message: '(#2) Media not available yet' });
  });

  it('says why when the copy failed for good', async () => {
    const mediaId = await loop.upload(t, jpegBytes(1_000), 'image/jpeg');
    await loop.receive(t, 'image', { id: mediaId });
    await fetch(`${loop.simUrl}/v24.0/${mediaId}?phone_number_id=${t.phoneNumberId}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.accessToken}` } });
    await loop.worker.runOnce();
    const res = await metadata(mediaId);
    expect(res.statusCode).toBe(404);
    expect(res.json().error.error_data.details).toMatch(/^The download failed for good: media unavailable: /);
  });

  it('keeps a copy of a file uploaded through the gateway: described at once, and a message sent with it shows it without a download', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% terms and conditions\n');
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'document');
    form.set('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), 'terms.pdf');
    const upload = await fetch(`${loop.gatewayUrl}/v24.0/${t.phoneNumberId}/media`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
    expect(upload.status).toBe(200);
    const { id } = (await upload.json()) as { id: string };

    const described = await metadata(id);
    expect(described.statusCode).toBe(200);
    expect(described.json()).toMatchObject({ id, mime_type: 'application/pdf', file_size: String(pdf.length), sha256: createHash('sha256').update(pdf).digest('hex') });

    const send = await loop.gw.app.inject({
      method: 'POST',
      url: `/v24.0/${t.phoneNumberId}/messages`,
      headers: { 'x-api-key': t.apiKey },
      payload: { messaging_product: 'whatsapp', to: '14155550123', type: 'document', document: { id, filename: 'terms.pdf' } },
    });
    expect(send.statusCode).toBe(200);
    // Meta forgets the upload: the message's file still comes from the copy.
    await fetch(`${loop.simUrl}/v24.0/${id}?phone_number_id=${t.phoneNumberId}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.accessToken}` } });
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, send.json().messages[0].id);
    expect(kapso.media_data).toMatchObject({ filename: 'terms.pdf', content_type: 'application/pdf', byte_size: pdf.length });
    expect(Buffer.from(await (await loop.fetchMedia(String(kapso.media_url))).arrayBuffer()).equals(pdf)).toBe(true);
  });

  it("answers another project's media id, and an unknown one, exactly like nothing", async () => {
    const mediaId = await loop.upload(t, jpegBytes(1_000), 'image/jpeg');
    await loop.receive(t, 'image', { id: mediaId });
    await loop.worker.runOnce();
    const stranger = { ...(await newTenant(loop.gw)) };
    const foreign = await metadata(mediaId, stranger, t.phoneNumberId);
    const missing = await metadata(mediaId, stranger, '100000000000079');
    expectIndistinguishable(foreign, missing, { foreign: t.phoneNumberId, missing: '100000000000079' });
    const unknownId = await metadata('999000111222333');
    const otherNumbersId = await metadata(mediaId, stranger);
    expectIndistinguishable(otherNumbersId, unknownId, { foreign: mediaId, missing: '999000111222333' });
  });
});

describe.runIf(dialects.includes('sqlite') && storeKinds.includes('s3'))('an upload through the gateway kept in S3 (sqlite)', () => {
  let loop: MediaLoop;
  beforeAll(async () => {
    loop = await startS3MediaLoop();
  });
  afterAll(() => loop.close());

  it('stores the copy in the bucket and describes it from there', async () => {
    const t = await loop.tenant();
    const photo = jpegBytes(2_500);
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'image/jpeg');
    form.set('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'label.jpg');
    const upload = await fetch(`${loop.gatewayUrl}/v24.0/${t.phoneNumberId}/media`, { method: 'POST', headers: { 'x-api-key': t.apiKey }, body: form });
    const { id } = (await upload.json()) as { id: string };
    const res = await loop.gw.app.inject({ method: 'GET', url: `/v24.0/${id}?phone_number_id=${t.phoneNumberId}`, headers: { 'x-api-key': t.apiKey } });
    expect(res.json()).toMatchObject({ id, mime_type: 'image/jpeg', file_size: '2500' });
    expect((await loop.store.objects()).filter((k) => k.startsWith('sha256/'))).toHaveLength(1);
    expect(Buffer.from(await (await loop.fetchMedia(res.json().url)).arrayBuffer()).equals(photo)).toBe(true);
  });
});
