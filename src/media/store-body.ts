import { pipeline, type Readable } from 'node:stream';
import { BlobIntegrityError, type BlobStore, BlobStoreUnavailableError } from '../blobs/blob-store.ts';
import { SNIFF_BYTES, sniffContentType } from './content-type.ts';
import type { MediaDownloaded } from './download.ts';
import { classifyNetworkError, type MediaFailure, permanent, transient } from './failures.ts';
import { MediaSizeError, SizeLimitStream } from './size-limit.ts';

/** What the sender announced about a file being fetched. */
export interface AnnouncedFile {
  mimeType: string;
  /** Hex; checked by the store before the file gets its key. */
  sha256?: string | undefined;
  /** The transfer must be exactly this long when given. */
  byteSize?: number | undefined;
  maxBytes: number;
}

/**
 * Streams a response body into the store through the size bounds (cut off at the first byte past
 * the announced size or the limit), then sniffs its first bytes against the announced type.
 * Never holds more than the sniffing sample. The caller destroys `body` afterwards.
 */
export async function storeResponseBody(body: Readable, file: AnnouncedFile, store: BlobStore): Promise<MediaDownloaded | MediaFailure> {
  const bounds = new SizeLimitStream(file.maxBytes, file.byteSize, SNIFF_BYTES);
  // A body that breaks the bounds is destroyed here, which closes the connection: the rest of
  // an oversize file is never read.
  pipeline(body, bounds, () => undefined);
  try {
    const blob = await store.put(bounds, file.sha256 !== undefined ? { sha256: file.sha256 } : {});
    const contentType = await sniffContentType(bounds.head, file.mimeType);
    return { ok: true, key: blob.key, sha256: blob.sha256, byteSize: blob.byteSize, contentType, mimeType: file.mimeType };
  } catch (err) {
    return classifyStoreFailure(err);
  }
}

/** Why streaming into the store failed: integrity (refetch once, then give up), network, or unknown (thrown). */
function classifyStoreFailure(err: unknown): MediaFailure {
  if (err instanceof BlobIntegrityError) return { ...permanent(`SHA-256 mismatch: Meta announced ${err.expected}, the bytes hash to ${err.actual}`), refetch: true };
  if (err instanceof MediaSizeError) {
    if (err.code === 'MEDIA_TOO_LARGE') return permanent(`download cut off past the ${err.limitBytes}-byte limit`);
    return { ...permanent(`download size is not the ${err.limitBytes} bytes announced`), refetch: true };
  }
  if (err instanceof BlobStoreUnavailableError) return transient(`blob store unavailable (${err.why})`, err);
  const network = classifyNetworkError(err);
  if (network) return network;
  throw err;
}
