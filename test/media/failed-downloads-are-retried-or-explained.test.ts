import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMediaByMessage } from '../../src/media/store.ts';
import { dialects } from '../helpers/dialects.ts';
import { bytesOf, jpegBytes } from './helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from './loop.ts';

const DAY_MS = 24 * 3_600_000;

describe.each(dialects)('a download that fails (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect);
    t = await loop.tenant();
  });
  afterAll(() => loop.close());

  /** A customer's image whose file the simulator keeps under `mediaId`, misbehaving as scripted. */
  const receiveImage = async (faults: object | null, bytes = jpegBytes(4000)) => {
    const mediaId = await loop.upload(t, bytes, 'image/jpeg', 'photo.jpg');
    if (faults) await loop.fault(mediaId, faults);
    return { mediaId, wamid: await loop.receive(t, 'image', { id: mediaId }) };
  };
  const row = (wamid: string) => findMediaByMessage(loop.gw.deps.database.db, t.phoneNumberId, wamid);

  it('is tried again 5 s after Meta answers 5xx, and then stored', async () => {
    const { wamid } = await receiveImage({ fail: { on: 'metadata', status: 500, times: 1 } });
    expect(await loop.worker.runOnce()).toBe(1);
    const due = loop.gw.clock.now() + 5_000;
    const waiting = await loop.message(t, wamid);
    expect(waiting.kapso).not.toHaveProperty('media_url');
    expect(waiting.kapso.message_type_data).toMatchObject({ media_status: 'pending', media_error: 'GET /{media-id} answered 500 (code 2)' });
    expect(await row(wamid)).toMatchObject({ state: 'pending', attempts: 1, next_attempt_at: due, locked_by: null });

    expect(await loop.worker.runOnce()).toBe(0);
    loop.gw.clock.set(due);
    expect(await loop.worker.runOnce()).toBe(1);
    const { kapso } = await loop.message(t, wamid);
    expect(kapso.media_url).toBeDefined();
    expect(kapso.message_type_data).not.toHaveProperty('media_status');
    expect(await row(wamid)).toMatchObject({ state: 'stored', attempts: 2, failure_reason: null });
  });

  it('backs off 5 s, 30 s, then 2 min while the download URL keeps failing', async () => {
    const { wamid } = await receiveImage({ fail: { on: 'download', status: 503, times: 6 } });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = loop.gw.clock.now();
      await loop.worker.runOnce();
      const due = (await row(wamid))?.next_attempt_at ?? 0;
      delays.push(Number(due) - before);
      loop.gw.clock.set(Number(due));
    }
    // Each attempt asked twice (a fresh URL is not fetched for a 503), so six failures cover three attempts.
    expect(delays).toEqual([5_000, 30_000, 120_000]);
    expect(await row(wamid)).toMatchObject({ state: 'pending', attempts: 3, failure_reason: `${new URL(loop.simUrl).host}: download answered 503` });
  });

  it('fails for good when Meta no longer knows the media id, and says why in message_type_data', async () => {
    const { mediaId, wamid } = await receiveImage(null);
    const gone = await fetch(`${loop.simUrl}/v24.0/${mediaId}?phone_number_id=${t.phoneNumberId}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.accessToken}` } });
    expect(gone.status).toBe(200);
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, wamid);
    expect(kapso).not.toHaveProperty('media_url');
    expect(kapso).not.toHaveProperty('media_data');
    expect(kapso.message_type_data).toMatchObject({ media_status: 'failed', media_error: expect.stringMatching(/^media unavailable: GET \/\{media-id\} answered 400 \(code 100\)$/) });
    expect(kapso.content).toBe('Image attached [Type: image/jpeg]');
    loop.gw.clock.advance(DAY_MS);
    await loop.worker.runOnce();
    expect(await row(wamid)).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it("fails for good on bytes whose SHA-256 is not Meta's, and stores nothing", async () => {
    const bytes = jpegBytes(5000);
    const { wamid } = await receiveImage({ sha256: createHash('sha256').update('other bytes').digest('hex') }, bytes);
    await loop.worker.runOnce();
    const { kapso } = await loop.message(t, wamid, 'kapso(media_url,message_type_data)');
    expect(kapso).toEqual({ message_type_data: expect.objectContaining({ media_status: 'failed', media_error: expect.stringContaining('SHA-256 mismatch') }) });
    const hex = createHash('sha256').update(bytes).digest('hex');
    expect(await loop.store.store.exists(`sha256/${hex.slice(0, 2)}/${hex}`)).toBe(false);
  });

  it("fails for good on a file announced over its type's limit, without downloading it", async () => {
    const { wamid } = await receiveImage({ file_size: String(6 * 1024 * 1024) });
    await loop.worker.runOnce();
    expect((await loop.message(t, wamid)).kapso.message_type_data).toMatchObject({
      media_status: 'failed',
      media_error: 'announced 6291456 bytes, over the 5242880-byte limit for image/jpeg',
    });
  });

  it('fails for good on a transfer longer than announced, cut off there', async () => {
    const mediaId = await loop.upload(t, Buffer.concat([Buffer.from('%PDF-1.4\n'), bytesOf(200_000, 41)]), 'application/pdf', 'big.pdf');
    await loop.fault(mediaId, { file_size: '1000' });
    const wamid = await loop.receive(t, 'document', { id: mediaId, filename: 'big.pdf' });
    await loop.worker.runOnce();
    expect((await row(wamid))?.failure_reason).toBe('download size is not the 1000 bytes announced');
  });

  it('gives up 7 days after the message arrived, when Meta has dropped the media anyway', async () => {
    const { wamid } = await receiveImage({ fail: { on: 'metadata', status: 500, times: 100 } });
    await loop.worker.runOnce();
    // The next retry (30 s away) would fall past the deadline.
    loop.gw.clock.advance(7 * DAY_MS - 10_000);
    await loop.worker.runOnce();
    expect(await row(wamid)).toMatchObject({ state: 'failed', attempts: 2, failure_reason: 'GET /{media-id} answered 500 (code 2) (gave up: Meta keeps media 7 days)' });
  });
});
