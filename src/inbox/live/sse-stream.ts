import { PassThrough } from 'node:stream';

/** One server-sent event: `id` is the outbox seq the browser resumes after (`Last-Event-ID`). */
export interface LiveFrame {
  seq: number;
  event: string;
  /** JSON text (one line: JSON.stringify never writes a raw newline). */
  data: string;
}

/** Bytes a stream may hold unsent before its client is dropped as too slow (it reconnects and resumes). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * A `text/event-stream` body (WHATWG HTML §9.2): frames, comments and the `retry` hint, written to
 * a stream the route hands to Fastify. Ending it ends the response; `closed` is set once it ended
 * or the client went away, after which writes are dropped.
 */
export class SseStream {
  readonly body = new PassThrough();
  private ended = false;

  constructor() {
    this.body.on('close', () => {
      this.ended = true;
    });
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Writes one event; false when the stream is closed or was closed now for holding too much. */
  send(frame: LiveFrame): boolean {
    return this.write(`id: ${frame.seq}\nevent: ${frame.event}\ndata: ${frame.data}\n\n`);
  }

  /** A comment line: ignored by EventSource, it keeps proxies and idle timeouts from closing the stream. */
  comment(text: string): boolean {
    return this.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
  }

  /** How long EventSource waits before reconnecting after the stream ends. */
  retry(ms: number): boolean {
    return this.write(`retry: ${Math.round(ms)}\n\n`);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.body.end();
  }

  private write(text: string): boolean {
    if (this.ended) return false;
    this.body.write(text);
    if (this.body.writableLength > MAX_BUFFERED_BYTES) {
      this.end();
      return false;
    }
    return true;
  }
}
