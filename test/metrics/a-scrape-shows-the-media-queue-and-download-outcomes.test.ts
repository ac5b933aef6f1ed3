import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/dialects.ts';
import { METRICS_TOKEN, scrape } from '../helpers/metrics.ts';
import { jpegBytes } from '../media/helpers.ts';
import { type MediaLoop, startMediaLoop, type Tenant } from '../media/loop.ts';

describe.each(dialects)('/metrics and media downloads (%s)', (dialect) => {
  let loop: MediaLoop;
  let t: Tenant;
  beforeAll(async () => {
    loop = await startMediaLoop(dialect, 'file', undefined, { METRICS_TOKEN });
    t = await loop.tenant();
  });
  afterAll(() => loop.close());

  const receiveImage = async (faults: object | null) => {
    const mediaId = await loop.upload(t, jpegBytes(4000), 'image/jpeg', 'photo.jpg');
    if (faults) await loop.fault(mediaId, faults);
    await loop.receive(t, 'image', { id: mediaId });
    return mediaId;
  };

  it('shows a waiting file in the queue depth and counts a retry, then the download stored', async () => {
    await receiveImage({ fail: { on: 'metadata', status: 500, times: 1 } });
    expect((await scrape(loop.gw)).total('switchboard_media_queue_depth')).toBe(1);

    expect(await loop.worker.runOnce()).toBe(1);
    const retried = await scrape(loop.gw);
    expect(retried.total('switchboard_media_downloads_total', { outcome: 'retry' })).toBe(1);
    expect(retried.total('switchboard_media_queue_depth')).toBe(1);

    loop.gw.clock.advance(5_000);
    expect(await loop.worker.runOnce()).toBe(1);
    const stored = await scrape(loop.gw);
    expect(stored.total('switchboard_media_downloads_total', { outcome: 'stored' })).toBe(1);
    expect(stored.total('switchboard_media_queue_depth')).toBe(0);
  });

  it('counts a download that fails for good', async () => {
    const mediaId = await receiveImage(null);
    const gone = await fetch(`${loop.simUrl}/v24.0/${mediaId}?phone_number_id=${t.phoneNumberId}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.accessToken}` } });
    expect(gone.status).toBe(200);
    await loop.worker.runOnce();
    const s = await scrape(loop.gw);
    expect(s.total('switchboard_media_downloads_total', { outcome: 'failed' })).toBe(1);
    expect(s.total('switchboard_media_queue_depth')).toBe(0);
  });
});
