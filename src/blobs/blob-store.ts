import { createHash } from 'node:crypto';
import { Transform, type TransformCallback, type Readable } from 'node:stream';

/**
 * Where media bytes are kept: the local filesystem (file-blob-store.ts) or S3-compatible object
 * storage (s3-blob-store.ts), chosen by MEDIA_STORE (open-blob-store.ts). Keys are
 * content-addressed, so the same file stored twice is kept once, and a key never names partial
 * bytes: both stores write to a temporary name and move the finished file into place.
 */
export interface BlobStore {
  /**
   * Streams `source` into the store, hashing it on the way. With `sha256` (hex), bytes that hash
   * otherwise are discarded and the call rejects with BlobIntegrityError.
   */
  put(source: Readable, opts?: { sha256?: string }): Promise<StoredBlob>;
  /** The blob's bytes, or the inclusive byte range `start`–`end` of them; BlobNotFoundError if absent. */
  open(key: string, range?: ByteRange): Promise<Readable>;
  /** The blob's size, or null when there is no such blob. */
  stat(key: string): Promise<{ byteSize: number } | null>;
  exists(key: string): Promise<boolean>;
  /** Deletes a blob; an absent one is not an error (a number's history deleted: tenants/manage-numbers.ts). */
  remove(key: string): Promise<void>;
  /**
   * Whether the store can keep files now, checked cheaply (`/readyz`, `switchboard doctor`): the
   * folder exists (or can be made) and is writable; the bucket answers. Null when it can.
   */
  check(): Promise<BlobStoreProblem | null>;
  /** Releases connections (S3); the store is not used afterwards. */
  close(): Promise<void>;
}

/** Why a store cannot keep files: a few words for `/readyz`, and the detail an operator acts on. */
export interface BlobStoreProblem {
  /** Short and free of paths or bucket names (`/readyz` answers without a key): `not writable`, `unreachable`. */
  state: string;
  /** For the operator (`switchboard doctor`): the folder or bucket and the error's code. */
  detail: string;
}

export interface StoredBlob {
  key: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  byteSize: number;
}

/** Inclusive byte offsets, as in an HTTP `Range` header; `end` defaults to the last byte. */
export interface ByteRange {
  start: number;
  end?: number;
}

const KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The key of the bytes with this hex SHA-256: `sha256/<first two hex digits>/<hex>`. */
export function blobKeyFor(sha256Hex: string): string {
  const hex = sha256Hex.toLowerCase();
  if (!HEX_SHA256.test(hex)) throw new Error('not a hex SHA-256');
  return `sha256/${hex.slice(0, 2)}/${hex}`;
}

/** Whether `key` has the shape blobKeyFor gives: nothing else (no `..`, no separators) reaches a store. */
export function isBlobKey(key: string): boolean {
  return KEY.test(key);
}

/** The bytes hashed to something other than what the caller expected. */
export class BlobIntegrityError extends Error {
  readonly code = 'BLOB_SHA256_MISMATCH';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super('the stored bytes do not have the expected SHA-256');
    this.name = 'BlobIntegrityError';
  }
}

/** The store itself failed while keeping bytes (S3 unreachable, reset, erroring): worth trying again later. */
export class BlobStoreUnavailableError extends Error {
  readonly code = 'BLOB_STORE_UNAVAILABLE';
  /** The failure's own code (`ECONNRESET`, `TimeoutError`, an HTTP status), for the reason recorded. */
  readonly why: string;
  constructor(cause: unknown) {
    super('the blob store failed', { cause });
    this.name = 'BlobStoreUnavailableError';
    const c = cause as { code?: unknown; name?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
    const status = c?.$metadata?.httpStatusCode;
    this.why = typeof c?.code === 'string' ? c.code : typeof status === 'number' ? `HTTP ${status}` : typeof c?.name === 'string' ? c.name : 'unknown';
  }
}

export class BlobNotFoundError extends Error {
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly key: string) {
    super('no blob with this key');
    this.name = 'BlobNotFoundError';
  }
}

/** A pass-through that hashes and counts what flows through it, for stores to wrap their input in. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Hex SHA-256 and size of everything that passed; call once the stream has ended. */
  result(): { sha256: string; byteSize: number } {
    return { sha256: this.hash.digest('hex'), byteSize: this.bytes };
  }
}

/** Throws BlobIntegrityError when an expected hash was given and differs. */
export function checkSha256(expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected.toLowerCase() !== actual) throw new BlobIntegrityError(expected.toLowerCase(), actual);
}
