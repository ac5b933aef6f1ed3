import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { FileBlobStore } from './file-blob-store.ts';
import type { S3BlobStoreOptions } from './s3-blob-store.ts';

/** Where MEDIA_STORE points: a folder, or a bucket and a key prefix. */
export type MediaStoreTarget = { kind: 'file'; root: string } | { kind: 's3'; bucket: string; prefix: string };

/** Reads MEDIA_STORE: `file:<folder>` (also `file:///abs/path`) or `s3://bucket[/prefix]`. */
export function parseMediaStore(url: string): MediaStoreTarget {
  if (url.startsWith('file://')) return { kind: 'file', root: fileURLToPath(url) };
  if (url.startsWith('file:')) return { kind: 'file', root: url.slice('file:'.length) };
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!match?.[1]) throw new Error(`MEDIA_STORE must be file:<folder> or s3://bucket[/prefix], got ${url}`);
  return { kind: 's3', bucket: match[1], prefix: match[2] ?? '' };
}

/**
 * Opens the blob store MEDIA_STORE names. Region and credentials of an S3 store come from the
 * AWS SDK's own chain (AWS_REGION, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profiles, instance
 * roles) unless `s3` gives them.
 */
export function openBlobStore(media: Config['media'], s3: Pick<S3BlobStoreOptions, 'region' | 'credentials'> = {}): BlobStore {
  const target = parseMediaStore(media.store);
  if (target.kind === 'file') return new FileBlobStore(target.root);
  return lazyStore(async () => {
    const { S3BlobStore } = await import('./s3-blob-store.ts');
    return new S3BlobStore({ bucket: target.bucket, prefix: target.prefix, ...(media.s3Endpoint ? { endpoint: media.s3Endpoint } : {}), ...s3 });
  });
}

/**
 * A store built on first use. The AWS SDK takes ~150 ms and ~25 MB to load: a gateway that
 * keeps media on disk, and every process that never touches media, does not pay for it.
 */
function lazyStore(build: () => Promise<BlobStore>): BlobStore {
  let store: Promise<BlobStore> | undefined;
  const get = () => (store ??= build());
  return {
    put: async (source, opts) => (await get()).put(source, opts),
    open: async (key, range) => (await get()).open(key, range),
    stat: async (key) => (await get()).stat(key),
    exists: async (key) => (await get()).exists(key),
    remove: async (key) => (await get()).remove(key),
    check: async () => (await get()).check(),
    close: async () => {
      if (store) await (await store).close();
    },
  };
}
