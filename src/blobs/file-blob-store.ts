import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BlobStore, BlobNotFoundError, type BlobStoreProblem, type ByteRange, checkSha256, DigestStream, isBlobKey, type StoredBlob, blobKeyFor } from './blob-store.ts';


/**
 * Media on the local filesystem under one folder (default `<data folder>/media`): each blob at
 * `<root>/sha256/ab/<hex>`, written first to `<root>/.tmp/` on the same filesystem and renamed
 * into place, so a reader never sees a partial file. Folders are created on the first write.
 */
export class FileBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(source: Readable, opts: { sha256?: string } = {}): Promise<StoredBlob> {
    const tmpDir = join(this.root, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    const digest = new DigestStream();
    try {
      // `flush` syncs the file before it is closed: once put resolves and the row says
      // "stored", a crash of the machine cannot leave a name without its bytes.
      await pipeline(source, digest, createWriteStream(tmp, { flags: 'wx', flush: true }));
      const { sha256, byteSize } = digest.result();
      checkSha256(opts.sha256, sha256);
      const key = blobKeyFor(sha256);
      const target = this.pathOf(key);
      // Same key, same bytes: an existing blob is kept and the new copy dropped. Two puts racing
      // here both rename a complete file, and rename replaces atomically.
      if (!(await this.stat(key))) {
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
      }
      return { key, sha256, byteSize };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async open(key: string, range?: ByteRange): Promise<Readable> {
    // Opened before the stream is made, so a missing blob fails here rather than mid-response.
    const handle = await open(this.pathOf(key), 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new BlobNotFoundError(key) : err;
    });
    return handle.createReadStream(range ? { start: range.start, ...(range.end !== undefined ? { end: range.end } : {}) } : {});
  }

  async stat(key: string): Promise<{ byteSize: number } | null> {
    try {
      return { byteSize: (await stat(this.pathOf(key))).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async remove(key: string): Promise<void> {
    if (!isBlobKey(key)) return;
    await unlink(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /**
   * The folder exists and this process may write in it; a folder not made yet counts as fine when
   * the nearest existing folder above it is writable (put makes it on the first file, so a fresh
   * deployment is ready before it has any media). No file is written: this runs every second.
   */
  async check(): Promise<BlobStoreProblem | null> {
    const root = resolve(this.root);
    let folder = root;
    for (;;) {
      const found = await stat(folder).then(
        (s) => (s.isDirectory() ? 'folder' : 'other'),
        (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 'missing' : (err.code ?? 'unreadable')),
      );
      if (found === 'missing' && dirname(folder) !== folder) {
        folder = dirname(folder);
        continue;
      }
      if (found !== 'folder') {
        const notFolder = found === 'other' || found === 'ENOTDIR';
        const why = notFolder ? `${folder} is not a folder` : `${folder} cannot be read (${found})`;
        return { state: notFolder ? 'not a folder' : 'unreadable', detail: folder === root ? why : `${root} cannot be created: ${why}` };
      }
      break;
    }
    try {
      await access(folder, constants.W_OK | constants.X_OK);
      return null;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      const detail = folder === root ? `${root} is not writable by this process (${code})` : `${root} cannot be created: ${folder} is not writable by this process (${code})`;
      return { state: 'not writable', detail };
    }
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    return join(this.root, key);
  }
}
