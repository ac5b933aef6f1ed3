import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { countedMediaStream, mediaReclaimAvailable } from '../../src/media/reclaim.ts';

/**
 * Large media transfers collect their young garbage every 8 MB (src/media/reclaim.ts): without it
 * V8 let about 32 MB of 64 KB buffers pile up per transfer, which bench:media saw as RSS.
 */
describe('large media transfers', () => {
  it('can collect young garbage in this Node', () => {
    expect(mediaReclaimAvailable).toBe(true);
  });

  it('keeps the garbage of a 64 MB stream of fresh 64 KB buffers well under the 32 MB V8 lets pile up', async () => {
    const chunks = 1024;
    let peak = 0;
    const source = Readable.from(
      (function* () {
        for (let i = 0; i < chunks; i++) yield Buffer.allocUnsafeSlow(64 * 1024);
      })(),
    );
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        callback();
      },
    });
    const before = process.memoryUsage().arrayBuffers;
    await pipeline(countedMediaStream(source), sink);
    expect(peak - before).toBeLessThan(20 * 1024 * 1024);
  });
});
