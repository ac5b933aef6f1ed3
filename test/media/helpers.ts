import S3rver from '@20minutes/s3rver';
import { ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import type { BlobStore } from '../../src/blobs/blob-store.ts';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { S3BlobStore } from '../../src/blobs/s3-blob-store.ts';
import { insertMediaJob, markMediaStored } from '../../src/media/store.ts';
import type { TestDialect } from '../helpers/dialects.ts';
import type { TestNumber, TestProject } from '../helpers/factories.ts';
import { startGateway, type TestGateway } from '../helpers/harness.ts';

export type StoreKind = 'file' | 's3';

/** Both blob stores: every store test runs on each (TEST_BLOB_STORES=file narrows a local run). */
export const storeKinds: StoreKind[] = (process.env.TEST_BLOB_STORES ?? 'file,s3')
  .split(',')
  .filter((k): k is StoreKind => k === 'file' || k === 's3');

/** s3rver's built-in account. */
const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  bucket: string;
  close(): Promise<void>;
}

/** A real S3-protocol server (s3rver) on a loopback port, keeping its objects in a temp folder. */
export async function startS3(): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-s3-'));
  const bucket = 'media';
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface TestStore {
  store: BlobStore;
  /** Every object the store holds, temporary ones included, relative to its folder or prefix. */
  objects(): Promise<string[]>;
}

/** A fresh, empty store: a folder of its own, or a prefix of its own in the test bucket. */
export function newStore(kind: StoreKind, s3: TestS3 | undefined): TestStore {
  if (kind === 'file') {
    const root = mkdtempSync(join(tmpdir(), 'switchboard-media-'));
    return {
      store: new FileBlobStore(root),
      objects: async () => {
        const entries = await readdir(root, { recursive: true, withFileTypes: true });
        return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
      },
    };
  }
  if (!s3) throw new Error('start the S3 server first');
  const prefix = `t-${randomUUID()}/`;
  const options = { endpoint: s3.endpoint, region: 'us-east-1', credentials: S3_CREDENTIALS };
  return {
    store: new S3BlobStore({ bucket: s3.bucket, prefix, ...options }),
    objects: async () => {
      const client = new S3Client({ ...options, forcePathStyle: true });
      // s3rver checks the signature of a bucket listing against `/media`, the SDK signs `/media/`
      // (and a `prefix` with a slash): the path loses its slash before signing, the list its filter.
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { path?: string };
          if (request.path) request.path = request.path.replace(/\/$/, '');
          return next(args);
        },
        { step: 'build' },
      );
      const listed = await client.send(new ListObjectsCommand({ Bucket: s3.bucket })).finally(() => client.destroy());
      const keys = (listed.Contents ?? []).map((o) => o.Key ?? '');
      return keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    },
  };
}

/**
 * harness.startGateway with the blob store of the test and a public origin for media URLs. Tests
 * that run media workers ask for an `isolated` database: a worker claims the downloads of every
 * project in its database.
 */
export function startMediaGateway(dialect: TestDialect, blobs: BlobStore, env: Record<string, string> = {}, opts: { isolated?: boolean } = {}): Promise<TestGateway> {
  return startGateway(dialect, { PUBLIC_URL: 'https://gw.example.test', ...env }, { ...opts, blobs });
}

/** Puts bytes in the gateway's store as a stored media row of the tenant; returns its id. */
export async function storeMedia(
  gw: TestGateway,
  tenant: TestProject & TestNumber,
  bytes: Buffer,
  row: { contentType: string; filename?: string | null; messageId?: string },
): Promise<string> {
  const { db } = gw.deps.database;
  const now = gw.clock.now();
  const job = { projectId: tenant.projectId, phoneNumberId: tenant.phoneNumberId, messageId: row.messageId ?? `wamid.${randomUUID()}`, metaMediaId: null, direction: 'inbound' as const };
  const id = await insertMediaJob(db, { ...job, mimeType: row.contentType, filename: row.filename ?? null }, now);
  if (!id) throw new Error('media row not inserted');
  const blob = await gw.deps.blobs.put(Readable.from([bytes]));
  await markMediaStored(db, id, { storageKey: blob.key, sha256: blob.sha256, byteSize: blob.byteSize, contentType: row.contentType }, now);
  return id;
}

/** The path and query of an absolute URL, for `app.inject`. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Reads a stream to the end. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Bytes that differ per call: `size` of them, deterministic per seed. */
export function bytesOf(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** The signature of a JPEG followed by filler: what file-type recognises as image/jpeg. */
export function jpegBytes(size = 2048): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]), bytesOf(size - 12, 3)]);
}

/** The media queue's entries of one number, oldest first (migration 008): what ingest appended. */
export function queuedMedia(db: Kysely<DB>, phoneNumberId: string) {
  return db.selectFrom('media_queue').selectAll().where('phone_number_id', '=', phoneNumberId).orderBy('seq').execute();
}
