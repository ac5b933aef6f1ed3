import { createHash } from 'node:crypto';
import { request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

const CHUNK_BYTES = 64 * 1024;

/**
 * A media upload (`messaging_product`, `type`, `file`) whose file is generated while it is sent,
 * so a test can upload tens of megabytes without holding them. The file starts like a PDF and
 * never contains a CR LF, so it cannot be mistaken for the boundary.
 */
export class StreamedUpload {
  readonly boundary = `switchboard-upload-${Math.random().toString(36).slice(2)}`;
  private readonly hash = createHash('sha256');
  private readonly head: Buffer;
  private readonly tail: Buffer;

  constructor(
    readonly fileBytes: number,
    readonly mimeType = 'application/pdf',
    readonly filename = 'large.pdf',
  ) {
    const b = this.boundary;
    this.head = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="messaging_product"\r\n\r\nwhatsapp\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="type"\r\n\r\n${mimeType}\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
    );
    this.tail = Buffer.from(`\r\n--${b}--\r\n`);
  }

  get contentType(): string {
    return `multipart/form-data; boundary=${this.boundary}`;
  }

  get contentLength(): number {
    return this.head.length + this.fileBytes + this.tail.length;
  }

  /** Hex SHA-256 of the file bytes sent so far (all of them once the upload was sent whole). */
  sha256(): string {
    return this.hash.copy().digest('hex');
  }

  /** The body; with `stopAfterFileBytes`, it sends that much of the file and then stays open until `release`. */
  async *body(opts: { stopAfterFileBytes?: number; release?: Promise<void> } = {}): AsyncGenerator<Buffer> {
    yield this.head;
    const pattern = Buffer.alloc(CHUNK_BYTES, 0);
    for (let i = 0; i < CHUNK_BYTES; i++) pattern[i] = 32 + (i % 90);
    pattern.write('%PDF-1.7 ', 0, 'latin1');
    const stopAt = Math.min(this.fileBytes, opts.stopAfterFileBytes ?? Infinity);
    for (let sent = 0, index = 0; sent < stopAt; index++) {
      const chunk = Buffer.from(pattern.subarray(0, Math.min(CHUNK_BYTES, stopAt - sent)));
      if (index > 0) chunk.write(`chunk ${String(index).padStart(8, '0')} `, 0, 'latin1');
      this.hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
    if (opts.stopAfterFileBytes !== undefined && opts.stopAfterFileBytes < this.fileBytes) {
      await opts.release;
      return;
    }
    yield this.tail;
  }
}

export interface UploadAnswer {
  status: number;
  body: string;
}

/**
 * POSTs an upload over HTTP as a client would (`Content-Length` announced). With
 * `stopAfterFileBytes`, the body stops there without ending: the answer then proves the server
 * answered without waiting for the rest, and `abort()` drops the connection mid-upload.
 */
export function postUpload(url: string, apiKey: string, upload: StreamedUpload, opts: { stopAfterFileBytes?: number } = {}) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const req = request(url, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': upload.contentType, 'content-length': String(upload.contentLength) },
  });
  const answer = new Promise<UploadAnswer>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
  });
  const source = Readable.from(upload.body({ ...(opts.stopAfterFileBytes !== undefined ? { stopAfterFileBytes: opts.stopAfterFileBytes } : {}), release: released }));
  source.pipe(req);
  return {
    answer,
    /** Drops the connection, the body unfinished (also how a test ends its side after an early answer). */
    abort() {
      source.unpipe(req);
      req.destroy();
      release();
    },
  };
}
