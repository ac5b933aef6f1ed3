import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { copyBlobs } from '../blobs/copy-blobs.ts';
import { parseMediaStore } from '../blobs/open-blob-store.ts';

/** What became of the media files in a backup (docs/operations.md "Backups"). */
export type MediaBackup =
  | { kind: 'file'; folder: string; files: number; copied: number; bytes: number; missing: string[] }
  | { kind: 's3'; manifest: string; keys: number }
  | { kind: 'skipped'; keys: number };

/** What became of a backup's media files in a restore. */
export type MediaRestore =
  | { kind: 'file'; folder: string; copied: number; bytes: number; present: number; missing: number }
  | { kind: 's3'; keys: number }
  | { kind: 'absent'; keys: number };

/** Where a backup of `file` keeps its media files, and its list of S3 keys. */
export function mediaBesideBackup(file: string): { folder: string; manifest: string } {
  return { folder: `${file}.media`, manifest: `${file}.media-keys` };
}

/**
 * The media files a backed-up store references (`keys`): copied beside the backup from a file
 * store (MEDIA_STORE `file:`); from S3 only listed, one `s3://` URL a line, since the bucket is
 * where they are kept and backed up.
 */
export async function backUpMediaFiles(mediaStore: string, backupFile: string, keys: string[]): Promise<MediaBackup> {
  const target = parseMediaStore(mediaStore);
  const beside = mediaBesideBackup(backupFile);
  if (target.kind === 's3') {
    const prefix = target.prefix === '' || target.prefix.endsWith('/') ? target.prefix : `${target.prefix}/`;
    writeFileSync(beside.manifest, keys.map((key) => `s3://${target.bucket}/${prefix}${key}\n`).join(''), { mode: 0o600 });
    return { kind: 's3', manifest: beside.manifest, keys: keys.length };
  }
  const copied = await copyBlobs(resolve(target.root), beside.folder, keys);
  return { kind: 'file', folder: beside.folder, files: copied.copied + copied.present, copied: copied.copied, bytes: copied.bytes, missing: copied.missing };
}

/** The backup's media folder copied into a file store; nothing to copy into S3 (the bucket keeps them). */
export async function restoreMediaFiles(mediaStore: string, backupFile: string, keys: string[]): Promise<MediaRestore> {
  const target = parseMediaStore(mediaStore);
  if (target.kind === 's3') return { kind: 's3', keys: keys.length };
  const { folder } = mediaBesideBackup(backupFile);
  if (!existsSync(folder)) return { kind: 'absent', keys: keys.length };
  const copied = await copyBlobs(folder, resolve(target.root), keys);
  return { kind: 'file', folder: resolve(target.root), copied: copied.copied, bytes: copied.bytes, present: copied.present, missing: copied.missing.length };
}

/** Where the media of a store that `backup` does not copy (PostgreSQL) are, and how to back them up. */
export function mediaBackupNote(mediaStore: string): string {
  const target = parseMediaStore(mediaStore);
  if (target.kind === 's3') return 'media files are in S3: back up the bucket with its own tools';
  return `media files are in ${resolve(target.root)}: copy that folder too (files never change once written, so a copy while serving is safe)`;
}
