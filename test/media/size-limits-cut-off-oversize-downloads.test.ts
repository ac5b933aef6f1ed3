import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { maxBytesFor, mediaKindOf, MAX_MEDIA_BYTES } from '../../src/media/limits.ts';
import { MediaSizeError, SizeLimitStream } from '../../src/media/size-limit.ts';

const MB = 1024 * 1024;

describe("Meta's size limits (meta-cloud-api.md §3)", () => {
  it.each([
    ['image/jpeg', 'image', 5 * MB],
    ['image/png', 'image', 5 * MB],
    ['image/webp', 'sticker', 500 * 1024],
    ['audio/ogg; codecs=opus', 'audio', 16 * MB],
    ['audio/mpeg', 'audio', 16 * MB],
    ['video/mp4', 'video', 16 * MB],
    ['video/3gpp', 'video', 16 * MB],
    ['application/pdf', 'document', 100 * MB],
    ['Text/Plain', 'document', 100 * MB],
    ['application/zip', undefined, MAX_MEDIA_BYTES],
  ])('holds %s (%s) to %d bytes', (type, kind, max) => {
    expect(mediaKindOf(type)).toBe(kind);
    expect(maxBytesFor(type)).toBe(max);
  });

  it('holds a file of unknown type to the 100 MB inbound cap', () => {
    expect(maxBytesFor(null)).toBe(100 * MB);
  });
});

/** Streams `chunks` through a SizeLimitStream; returns what came out, or the error. */
async function through(chunks: Buffer[], maxBytes: number, announced: number | undefined) {
  const limit = new SizeLimitStream(maxBytes, announced, 8);
  let received = 0;
  const sink = new Writable({ write: (chunk: Buffer, _e, done) => void ((received += chunk.length), done()) });
  const error = await pipeline(Readable.from(chunks), limit, sink).then(() => undefined, (err: unknown) => err);
  return { received, error, head: limit.head };
}

describe('the size bounds of a download', () => {
  it('passes a file of the announced size and keeps its first bytes for sniffing', async () => {
    const result = await through([Buffer.from('0123'), Buffer.from('456789')], 100, 10);
    expect(result).toEqual({ received: 10, error: undefined, head: Buffer.from('01234567') });
  });

  it('cuts a file off at the first byte past the announced size', async () => {
    const result = await through([Buffer.alloc(6), Buffer.alloc(6), Buffer.alloc(1000)], 100, 10);
    expect(result.error).toBeInstanceOf(MediaSizeError);
    expect(result.error).toMatchObject({ code: 'MEDIA_LONGER_THAN_ANNOUNCED', limitBytes: 10 });
    expect(result.received).toBe(6);
  });

  it('cuts a file off at the first byte past the limit', async () => {
    const result = await through([Buffer.alloc(60), Buffer.alloc(60)], 100, undefined);
    expect(result.error).toMatchObject({ code: 'MEDIA_TOO_LARGE', limitBytes: 100 });
    expect(result.received).toBe(60);
  });

  it('fails a file shorter than announced', async () => {
    expect((await through([Buffer.alloc(5)], 100, 10)).error).toMatchObject({ code: 'MEDIA_SHORTER_THAN_ANNOUNCED' });
  });
});
