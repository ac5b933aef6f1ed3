import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { BlobIntegrityError, type BlobStore, BlobNotFoundError, type BlobStoreProblem, BlobStoreUnavailableError, type ByteRange, checkSha256, DigestStream, isBlobKey, type StoredBlob, blobKeyFor } from './blob-store.ts';

export interface S3BlobStoreOptions {
  bucket: string;
  /** Prepended to every key (`media/` → `media/sha256/ab/…`); empty for the bucket's root. */
  prefix: string;
  /** An S3-compatible endpoint (MinIO, R2…); addressing is then path-style. */
  endpoint?: string;
  /** Otherwise the SDK's own chain (AWS_REGION, profiles). */
  region?: string;
  /** Otherwise the SDK's own chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

// S3's smallest part. With one part uploading at a time, an upload holds about two parts in
// memory whatever the file's size (the 30 MB budget for a 100 MB document).
const PART_BYTES = 5 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 5_000;
/** The longest an S3 request may sit without a byte moving either way. */
const SILENCE_TIMEOUT_MS = 30_000;

/**
 * Media in S3-compatible object storage: each blob at `<prefix>sha256/ab/<hex>`. A put uploads
 * (multipart beyond 5 MB) to `<prefix>tmp/<uuid>` while hashing, then copies the finished object
 * to its content-addressed key (server-side) and deletes the temporary one, so a key never names
 * partial or unverified bytes. Objects left under `tmp/` by a crash can be expired by a
 * lifecycle rule.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(opts: S3BlobStoreOptions) {
    this.bucket = opts.bucket;
    this.prefix = opts.prefix === '' || opts.prefix.endsWith('/') ? opts.prefix : `${opts.prefix}/`;
    // The SDK warns, once per process, that its future versions will need a newer Node: nothing
    // an operator can act on from here, printed in every log. It reads this switch when a client
    // is created; an operator who sets it to something else keeps the warning.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.client = new S3Client({
      ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // Checksums only where S3 requires them: by default the SDK sends aws-chunked bodies with
      // checksum trailers, which several S3-compatible servers refuse. Integrity is ours anyway
      // (the SHA-256 of every byte, checked before the object gets its key).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // The SDK waits for ever by default: an endpoint that accepts and never answers would hold
      // a download (and its slot) until the download's deadline. Silence is bounded instead.
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: SILENCE_TIMEOUT_MS },
    });
  }

  async put(source: Readable, opts: { sha256?: string } = {}): Promise<StoredBlob> {
    const tmpKey = `${this.prefix}tmp/${randomUUID()}`;
    const digest = new DigestStream();
    // A failing source destroys `digest`, which fails the upload (and aborts a multipart one).
    let sourceFailure: unknown;
    pipeline(source, digest, (err) => {
      sourceFailure = err ?? undefined;
    });
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: tmpKey, Body: digest, ContentType: 'application/octet-stream' },
        partSize: PART_BYTES,
        queueSize: 1,
      });
      await upload.done();
      const { sha256, byteSize } = digest.result();
      checkSha256(opts.sha256, sha256);
      const key = blobKeyFor(sha256);
      if (!(await this.exists(key))) {
        await this.client.send(
          new CopyObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, CopySource: copySource(this.bucket, tmpKey) }),
        );
      }
      return { key, sha256, byteSize };
    } catch (err) {
      // The source's own failure (a download cut off, too large) is the caller's to classify;
      // anything else is S3 failing.
      const failed = sourceFailure ?? source.errored ?? undefined;
      if (failed !== undefined || err instanceof BlobIntegrityError) throw failed ?? err;
      throw new BlobStoreUnavailableError(err);
    } finally {
      // Stops reading the source when the upload failed half-way (no-op once it has ended).
      digest.destroy();
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmpKey })).catch(() => undefined);
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    const Range = range ? `bytes=${range.start}-${range.end ?? ''}` : undefined;
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, ...(Range ? { Range } : {}) }));
      // In Node the body is the response stream itself (an IncomingMessage).
      return object.Body as Readable;
    } catch (err) {
      if (statusOf(err) === 404) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async stat(key: string): Promise<{ byteSize: number } | null> {
    if (!isBlobKey(key)) return null;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
      return { byteSize: head.ContentLength ?? 0 };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async remove(key: string): Promise<void> {
    if (!isBlobKey(key)) return;
    // S3 answers a delete of an absent key with success.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
  }

  /**
   * `HEAD` of the bucket: it answers (the endpoint is up, the bucket exists and the credentials
   * may list it, s3:ListBucket) without moving an object. Classified by HTTP status and the SDK
   * error's code, never its text.
   */
  async check(): Promise<BlobStoreProblem | null> {
    const head = new HeadBucketCommand({ Bucket: this.bucket });
    // Path-style requests name the bucket `/bucket/`; some S3-compatible servers (s3rver among
    // them) sign a bucket request over `/bucket`, which every server accepts.
    head.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path?: string };
        if (request.path && /^\/[^/]+\/$/.test(request.path)) request.path = request.path.slice(0, -1);
        return next(args);
      },
      { step: 'build' },
    );
    try {
      await this.client.send(head);
      return null;
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return { state: 'bucket not found', detail: `the bucket ${this.bucket} does not exist (HTTP 404)` };
      if (status === 401 || status === 403) {
        return { state: 'access denied', detail: `the bucket ${this.bucket} refused these credentials (HTTP ${status}): check them, and that they may s3:ListBucket on it` };
      }
      const why = new BlobStoreUnavailableError(err).why;
      return { state: 'unreachable', detail: `the bucket ${this.bucket} did not answer (${why})` };
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** The HTTP status of an SDK error: misses are recognised by status, never by message text. */
function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** `CopySource` is `bucket/key`, URL-encoded per segment. */
function copySource(bucket: string, key: string): string {
  return [bucket, ...key.split('/')].map(encodeURIComponent).join('/');
}
