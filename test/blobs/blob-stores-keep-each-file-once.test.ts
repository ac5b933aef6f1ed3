import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobIntegrityError, BlobNotFoundError, type BlobStore, blobKeyFor } from '../../src/blobs/blob-store.ts';
import { bytesOf, newStore, readAll, startS3, storeKinds, type TestS3 } from '../media/helpers.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A source that gives some bytes and then fails, as a dropped download does. */
function failingSource(): Readable {
  return new Readable({
    read() {
      this.push(bytesOf(64 * 1024, 9));
      this.destroy(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
    },
  });
}

describe.each(storeKinds)('blob store (%s)', (kind) => {
  let s3: TestS3 | undefined;
  let store: BlobStore;
  beforeAll(async () => {
    if (kind === 's3') s3 = await startS3();
    store = newStore(kind, s3).store;
  });
  afterAll(async () => {
    await store.close();
    await s3?.close();
  });

  it('stores a stream under its SHA-256 and reads it back whole', async () => {
    const bytes = bytesOf(300_000, 1);
    const stored = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(stored).toEqual({ key: `sha256/${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`, sha256: sha256(bytes), byteSize: bytes.length });
    expect((await readAll(await store.open(stored.key))).equals(bytes)).toBe(true);
    expect(await store.stat(stored.key)).toEqual({ byteSize: bytes.length });
    expect(await store.exists(stored.key)).toBe(true);
  });

  it.each([
    ['the first bytes', { start: 0, end: 9 }, [0, 10]],
    ['a middle slice', { start: 1000, end: 1999 }, [1000, 2000]],
    ['everything from an offset', { start: 299_990 }, [299_990, 300_000]],
  ])('reads %s of a blob', async (_name, range, [from, to]) => {
    const bytes = bytesOf(300_000, 2);
    const { key } = await store.put(Readable.from([bytes]));
    expect((await readAll(await store.open(key, range))).equals(bytes.subarray(from, to))).toBe(true);
  });

  it('keeps the same bytes stored twice as one object', async () => {
    const dedupe = newStore(kind, s3);
    const bytes = bytesOf(10_000, 3);
    const first = await dedupe.store.put(Readable.from([bytes]));
    const second = await dedupe.store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), { sha256: sha256(bytes) });
    expect(second).toEqual(first);
    expect(await dedupe.objects()).toEqual([first.key]);
    await dedupe.store.close();
  });

  it('streams a file larger than one upload part (multipart on S3)', async () => {
    const bytes = bytesOf(12 * 1024 * 1024, 4);
    const chunks = Array.from({ length: 12 }, (_, i) => bytes.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024));
    const stored = await store.put(Readable.from(chunks), { sha256: sha256(bytes) });
    expect(stored.byteSize).toBe(bytes.length);
    expect(sha256(await readAll(await store.open(stored.key)))).toBe(sha256(bytes));
  });

  it('refuses bytes that do not hash to the expected SHA-256 and keeps nothing of them', async () => {
    const empty = newStore(kind, s3);
    const put = empty.store.put(Readable.from([bytesOf(5000, 5)]), { sha256: sha256(Buffer.from('something else')) });
    await expect(put).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(await empty.objects()).toEqual([]);
    await empty.store.close();
  });

  it('keeps nothing of a source that fails half-way', async () => {
    const empty = newStore(kind, s3);
    await expect(empty.store.put(failingSource())).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(await empty.objects()).toEqual([]);
    await empty.store.close();
  });

  it('answers a missing blob with null, false and BlobNotFoundError', async () => {
    const missing = blobKeyFor(sha256(Buffer.from('never stored')));
    expect(await store.stat(missing)).toBeNull();
    expect(await store.exists(missing)).toBe(false);
    await expect(store.open(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('never resolves a key that is not content-addressed', async () => {
    await expect(store.open('../../etc/passwd')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.open('sha256/ab/../../x')).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});
