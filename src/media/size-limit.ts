import { Transform, type TransformCallback } from 'node:stream';
import { noteMediaBytes } from './reclaim.ts';

export type MediaSizeErrorCode = 'MEDIA_TOO_LARGE' | 'MEDIA_LONGER_THAN_ANNOUNCED' | 'MEDIA_SHORTER_THAN_ANNOUNCED';

/** A download that broke its size bounds: cut off (too long) or short of what Meta announced. */
export class MediaSizeError extends Error {
  constructor(
    readonly code: MediaSizeErrorCode,
    readonly limitBytes: number,
  ) {
    super(code === 'MEDIA_TOO_LARGE' ? `more than ${limitBytes} bytes` : `not the ${limitBytes} bytes announced`);
    this.name = 'MediaSizeError';
  }
}

/**
 * A pass-through that holds a download to its bounds while it streams: it fails at the first
 * byte past `maxBytes` or past the announced size (so an oversize body is cut off, never
 * stored), fails at the end when fewer bytes than announced came, and keeps the first
 * `sampleBytes` for content sniffing.
 */
export class SizeLimitStream extends Transform {
  private bytes = 0;
  private readonly sample: Buffer[] = [];
  private sampled = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly announcedBytes: number | undefined,
    private readonly sampleBytes: number,
  ) {
    super();
  }

  /** The first bytes seen (at most `sampleBytes`). */
  get head(): Buffer {
    return Buffer.concat(this.sample);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    noteMediaBytes(chunk.length);
    if (this.announcedBytes !== undefined && this.bytes > this.announcedBytes) {
      return callback(new MediaSizeError('MEDIA_LONGER_THAN_ANNOUNCED', this.announcedBytes));
    }
    if (this.bytes > this.maxBytes) return callback(new MediaSizeError('MEDIA_TOO_LARGE', this.maxBytes));
    if (this.sampled < this.sampleBytes) {
      const part = chunk.subarray(0, this.sampleBytes - this.sampled);
      // Copied: the sample must not pin the (possibly pooled, larger) chunk it came in.
      this.sample.push(Buffer.from(part));
      this.sampled += part.length;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.announcedBytes !== undefined && this.bytes < this.announcedBytes) {
      return callback(new MediaSizeError('MEDIA_SHORTER_THAN_ANNOUNCED', this.announcedBytes));
    }
    callback();
  }
}
