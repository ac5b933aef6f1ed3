import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/index.ts';
import { fbtrace, invalidParameter, NUMBER, startSimulator, testClock } from './helpers.ts';

const auth = { authorization: `Bearer ${NUMBER.access_token}` };

/** A multipart body as Kapso's SDK builds it with FormData (fields messaging_product, type, file). */
async function multipart(fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const request = new Request('http://x/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}

describe('media: upload → metadata → download → delete (meta-cloud-api.md §3)', () => {
  let sim: Simulator;
  let clock: ReturnType<typeof testClock>;
  const png = Buffer.from('89504e470d0a1a0a-not-really-a-png', 'utf8');
  beforeEach(async () => {
    clock = testClock();
    sim = await startSimulator({ clock, mediaUrlTtlMs: 60_000, publicUrl: 'http://sim.test' });
  });
  afterEach(() => sim.close());

  const upload = async (fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) => {
    const body = await multipart(fields, file);
    return sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/media`, headers: { ...auth, 'content-type': body.contentType }, payload: body.payload });
  };
  const pathOf = (url: string) => url.replace('http://sim.test', '');

  it('uploads, describes, downloads with the bearer and deletes', async () => {
    const up = await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'photo.png', type: 'image/png' });
    expect(up.statusCode).toBe(200);
    const { id } = up.json();
    expect(id).toMatch(/^\d{16}$/);

    const meta = await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth });
    expect(meta.json()).toEqual({
      messaging_product: 'whatsapp',
      url: expect.stringMatching(new RegExp(`^http://sim\\.test/whatsapp_business/attachments/\\?mid=${id}&ext=\\d+&hash=[0-9a-f]{40}$`)),
      mime_type: 'image/png',
      sha256: createHash('sha256').update(png).digest('hex'),
      file_size: String(png.length),
      id,
    });

    const download = await sim.app.inject({ method: 'GET', url: pathOf(meta.json().url), headers: auth });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.rawPayload.equals(png)).toBe(true);

    expect((await sim.app.inject({ method: 'DELETE', url: `/v24.0/${id}`, headers: auth })).json()).toEqual({ success: true });
    const after = await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth });
    expect(after.statusCode).toBe(400);
    expect(after.json().error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect((await sim.app.inject({ method: 'GET', url: pathOf(meta.json().url), headers: auth })).statusCode).toBe(404);
  });

  it('takes the MIME type from the file part when the type field is absent', async () => {
    const up = await upload({ messaging_product: 'whatsapp' }, { bytes: Buffer.from('%PDF-1.4'), name: 'a.pdf', type: 'application/pdf' });
    const meta = await sim.app.inject({ method: 'GET', url: `/v24.0/${up.json().id}`, headers: auth });
    expect(meta.json().mime_type).toBe('application/pdf');
  });

  it('takes a kind as type (as Kapso’s inbox sends it) with the MIME type of the file part, of that kind', async () => {
    const up = await upload({ messaging_product: 'whatsapp', type: 'document' }, { bytes: Buffer.from('%PDF-1.4'), name: 'a.pdf', type: 'application/pdf' });
    expect(up.statusCode).toBe(200);
    const meta = await sim.app.inject({ method: 'GET', url: `/v24.0/${up.json().id}`, headers: auth });
    expect(meta.json().mime_type).toBe('application/pdf');
    const mismatch = await upload({ messaging_product: 'whatsapp', type: 'image' }, { bytes: Buffer.from('%PDF-1.4'), name: 'a.pdf', type: 'application/pdf' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error.code).toBe(100);
    expect(JSON.stringify(mismatch.json())).toContain('type is image');
  });

  it('refuses the download without the bearer token', async () => {
    const { id } = (await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'p.png', type: 'image/png' })).json();
    const url = (await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth })).json().url;
    const res = await sim.app.inject({ method: 'GET', url: pathOf(url) });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({ code: 190 });
  });

  it('answers 404 once the URL has expired, and a fresh GET gives a working URL', async () => {
    const { id } = (await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'p.png', type: 'image/png' })).json();
    const url = (await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth })).json().url;
    clock.advance(60_000);
    const expired = await sim.app.inject({ method: 'GET', url: pathOf(url), headers: auth });
    expect(expired.statusCode).toBe(404);
    expect(expired.json()).toEqual({
      error: { message: 'Media not found', type: 'GraphMethodException', code: 100, error_data: { messaging_product: 'whatsapp', details: expect.any(String) }, fbtrace_id: fbtrace },
    });
    const fresh = (await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth })).json().url;
    expect((await sim.app.inject({ method: 'GET', url: pathOf(fresh), headers: auth })).statusCode).toBe(200);
  });

  it('forgets uploaded media after 30 days', async () => {
    const { id } = (await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'p.png', type: 'image/png' })).json();
    clock.advance(30 * 24 * 3600 * 1000);
    expect((await sim.app.inject({ method: 'GET', url: `/v24.0/${id}`, headers: auth })).json().error.code).toBe(100);
  });

  it('scopes GET to phone_number_id when given', async () => {
    const { id } = (await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'p.png', type: 'image/png' })).json();
    expect((await sim.app.inject({ method: 'GET', url: `/v24.0/${id}?phone_number_id=${NUMBER.phone_number_id}`, headers: auth })).statusCode).toBe(200);
    expect((await sim.app.inject({ method: 'GET', url: `/v24.0/${id}?phone_number_id=999`, headers: auth })).statusCode).toBe(400);
  });

  it.each([
    ['missing messaging_product', {}, { bytes: png, name: 'p.png', type: 'image/png' }, 'The parameter messaging_product is required.'],
    ['missing file', { messaging_product: 'whatsapp', type: 'image/png' }, undefined, 'The parameter file is required.'],
  ])('answers code 100 for %s', async (_name, fields, file, details) => {
    expect((await upload(fields, file)).json()).toEqual(invalidParameter(details));
  });

  it('answers code 100 for an unsupported MIME type and for an oversize sticker', async () => {
    const gif = await upload({ messaging_product: 'whatsapp', type: 'image/gif' }, { bytes: png, name: 'a.gif', type: 'image/gif' });
    expect(gif.statusCode).toBe(400);
    expect(gif.json().error.error_data.details).toMatch(/^Param file must be a file with one of the following types: .*Received file of type 'image\/gif'\.$/);
    const big = await upload({ messaging_product: 'whatsapp', type: 'image/webp' }, { bytes: Buffer.alloc(501 * 1024), name: 's.webp', type: 'image/webp' });
    expect(big.json().error.error_data.details).toBe('Param file must be at most 512000 bytes for sticker media; received 513024 bytes.');
  });

  it('answers code 100 for a non-multipart upload', async () => {
    const res = await sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/media`, headers: auth, payload: { file: 'x' } });
    expect(res.json()).toEqual(invalidParameter('Upload media as multipart/form-data with the fields messaging_product, type and file.'));
  });

  it('lets a send use the uploaded id', async () => {
    const { id } = (await upload({ messaging_product: 'whatsapp', type: 'image/png' }, { bytes: png, name: 'p.png', type: 'image/png' })).json();
    sim.injectInbound({ phone_number_id: NUMBER.phone_number_id, from: '14155550123', message: { type: 'text', text: { body: 'hi' } } });
    const res = await sim.app.inject({ method: 'POST', url: `/v24.0/${NUMBER.phone_number_id}/messages`, headers: auth, payload: { messaging_product: 'whatsapp', to: '14155550123', type: 'image', image: { id } } });
    expect(res.statusCode).toBe(200);
  });
});
