import { constants } from 'node:fs';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isBlobKey } from './blob-store.ts';

/** What copying a set of blobs between two file-store folders did. */
export interface BlobCopy {
  /** Files copied now. */
  copied: number;
  /** Bytes of the files copied now. */
  bytes: number;
  /** Files the target already had (same key, same bytes: content-addressed). */
  present: number;
  /** Keys with no file in the source folder (deleted since, or never kept there). */
  missing: string[];
}

/**
 * Copies the blobs `keys` name from one file-store folder to another, keeping the layout
 * (`sha256/ab/<hex>`). Safe beside a serving process: a key names immutable bytes, and the file
 * store only ever renames a finished file into place, so a file seen under its key is whole.
 * Each file is copied to a temporary name and renamed, so a copy cut short leaves no partial blob.
 */
export async function copyBlobs(fromRoot: string, toRoot: string, keys: readonly string[]): Promise<BlobCopy> {
  const result: BlobCopy = { copied: 0, bytes: 0, present: 0, missing: [] };
  await mkdir(toRoot, { recursive: true, mode: 0o700 });
  for (const key of keys) {
    if (!isBlobKey(key)) {
      result.missing.push(key);
      continue;
    }
    const target = join(toRoot, key);
    if (await sizeOf(target) !== null) {
      result.present++;
      continue;
    }
    const size = await sizeOf(join(fromRoot, key));
    if (size === null) {
      result.missing.push(key);
      continue;
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const partial = `${target}.partial-${process.pid}`;
    await copyFile(join(fromRoot, key), partial, constants.COPYFILE_FICLONE);
    await rename(partial, target);
    result.copied++;
    result.bytes += size;
  }
  return result;
}

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
