import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes of media moved between two young-generation collections. */
const RECLAIM_EVERY_BYTES = 8 * 1024 * 1024;

type Collect = (options: { type: 'minor' }) => void;

/**
 * V8 lets the 64 KB buffers of a large transfer pile up to about 32 MB of garbage before it
 * collects them, and the allocator keeps that high-water mark as RSS afterwards (measured in
 * bench:media: array buffers climb from 2 to 31 MB, over and over, while a 100 MB file streams).
 * A young-generation collection every 8 MB moved returns them while they are few. Node exposes
 * the collector only behind `--expose-gc`; setting the flag at run time and taking `gc` from a
 * fresh context is how a library gets it without changing how the process is started.
 */
function youngCollector(): Collect | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  }
}

const collect = youngCollector();

/** Whether this process could get the collector (it can on the Node versions the gateway supports). */
export const mediaReclaimAvailable = collect !== null;
let moved = 0;

/** Counts media bytes streamed in this process and collects young garbage every 8 MB of them. */
export function noteMediaBytes(bytes: number): void {
  if (collect === null) return;
  moved += bytes;
  if (moved < RECLAIM_EVERY_BYTES) return;
  moved = 0;
  collect({ type: 'minor' });
}

/** `source` as it streams to a client, counted by noteMediaBytes; its errors carry over. */
export function countedMediaStream(source: Readable): Readable {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      noteMediaBytes(chunk.length);
      callback(null, chunk);
    },
  });
  pipeline(source, counter, () => undefined);
  return counter;
}
