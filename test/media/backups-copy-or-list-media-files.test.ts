import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobKeyFor } from '../../src/blobs/blob-store.ts';
import { FileBlobStore } from '../../src/blobs/file-blob-store.ts';
import { backUpMediaFiles, restoreMediaFiles } from '../../src/media/backup-media.ts';

/**
 * What `switchboard backup` and `restore` do with media files (docs/operations.md "Backups"):
 * a folder store's referenced files are copied beside the backup and back; an S3 store's are
 * listed, never copied.
 */
describe('media files in a backup', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-media-backup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const put = async (root: string, text: string) => (await new FileBlobStore(root).put(Readable.from([Buffer.from(text)]))).key;

  it('copies the referenced files of a folder store beside the backup and back, naming the ones that are gone', async () => {
    const root = join(dir, 'media');
    const kept = await put(root, 'a photo');
    const unreferenced = await put(root, 'a file no row names');
    const gone = blobKeyFor('0'.repeat(64));
    const backupFile = join(dir, 'backup.db');

    const backup = await backUpMediaFiles(`file:${root}`, backupFile, [kept, gone]);
    expect(backup).toEqual({ kind: 'file', folder: `${backupFile}.media`, files: 1, copied: 1, bytes: 7, missing: [gone] });
    expect(readFileSync(join(`${backupFile}.media`, kept), 'utf8')).toBe('a photo');
    expect(existsSync(join(`${backupFile}.media`, unreferenced))).toBe(false);
    expect(await backUpMediaFiles(`file:${root}`, backupFile, [kept])).toMatchObject({ files: 1, copied: 0 });

    const restoredRoot = join(dir, 'restored-media');
    expect(await restoreMediaFiles(`file:${restoredRoot}`, backupFile, [kept, gone])).toEqual({ kind: 'file', folder: restoredRoot, copied: 1, bytes: 7, present: 0, missing: 1 });
    expect(readFileSync(join(restoredRoot, kept), 'utf8')).toBe('a photo');
  });

  it('lists the referenced objects of an S3 store in a manifest instead of copying them', async () => {
    const keys = [blobKeyFor('a'.repeat(64)), blobKeyFor('b'.repeat(64))];
    const backupFile = join(dir, 'backup.db');
    expect(await backUpMediaFiles('s3://gateway-media/prod', backupFile, keys)).toEqual({ kind: 's3', manifest: `${backupFile}.media-keys`, keys: 2 });
    expect(readFileSync(`${backupFile}.media-keys`, 'utf8')).toBe(keys.map((k) => `s3://gateway-media/prod/${k}\n`).join(''));
    expect(existsSync(`${backupFile}.media`)).toBe(false);
    expect(await restoreMediaFiles('s3://gateway-media/prod', backupFile, keys)).toEqual({ kind: 's3', keys: 2 });
  });

  it('restores no media from a backup taken without them', async () => {
    expect(await restoreMediaFiles(`file:${join(dir, 'media')}`, join(dir, 'db-only.db'), [blobKeyFor('c'.repeat(64))])).toEqual({ kind: 'absent', keys: 1 });
  });
});
