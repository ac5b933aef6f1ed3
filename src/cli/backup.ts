import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseMediaStore } from '../blobs/open-blob-store.ts';
import { type BlobCopy, copyBlobs } from '../blobs/copy-blobs.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { type CopyProgress, copySqliteStore, NotAStoreError } from '../db/sqlite-backup.ts';
import { locateStore } from '../db/store-location.ts';
import { backupProgressLine, count, formatBytes } from './backup-report.ts';
import { output } from './context.ts';
import { pgDumpAdvice } from './postgres-dump-advice.ts';

interface BackupOptions {
  to: string;
  force?: boolean;
  media: boolean;
  json?: boolean;
}

/** Exit code of `backup`/`restore` on PostgreSQL: nothing was done; run the printed command instead. */
export const POSTGRES_EXIT_CODE = 2;

/** What became of the media files in a backup. */
export type MediaBackup =
  | { kind: 'file'; folder: string; files: number; copied: number; bytes: number; missing: string[] }
  | { kind: 's3'; manifest: string; keys: number }
  | { kind: 'skipped'; keys: number };

/**
 * `switchboard backup --to FILE`: a consistent copy of the SQLite store while the gateway serves
 * (docs/operations.md "Backups"). Opens the database read-only: no migration, no serve lock.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('copy the SQLite store (and its media files) while the gateway serves')
    .requiredOption('--to <file>', 'the backup file to write (media go to <file>.media/)')
    .option('--force', 'overwrite <file> if it exists')
    .option('--no-media', 'copy the database only, not the media files')
    .option('--json', 'print one JSON object')
    .action(async (o: BackupOptions) => {
      const config = loadConfig();
      const dest = resolve(o.to);
      if (!config.db.url.startsWith('sqlite:')) return advisePgDump(config, dest, !!o.json);
      const source = sourceFile(config);
      checkDestination(source, dest, !!o.force);
      const startedMs = Date.now();
      const bar = process.stderr.isTTY ? progressBar() : null;
      let copy;
      try {
        copy = await copySqliteStore(source, dest, (p) => bar?.show(p));
      } catch (err) {
        if (err instanceof NotAStoreError) throw new ConfigError(err.message);
        throw err;
      } finally {
        bar?.clear();
      }
      const media = await backUpMedia(config, dest, copy.mediaKeys, o.media);
      const durationMs = Date.now() - startedMs;
      const summary = { file: dest, source, pages: copy.pages, bytes: copy.bytes, messages: copy.messages, migrations: copy.migrations.length, media, durationMs };
      output(!!o.json, summary, describeBackup(summary));
    });
}

function sourceFile(config: Config): string {
  const file = locateStore(config.db.url).sqliteFile;
  if (file === null) throw new ConfigError('DATABASE_URL is an in-memory database: there is nothing on disk to back up');
  if (!existsSync(file)) throw new ConfigError(`no database at ${file}: check DATABASE_URL (nothing to back up)`);
  return file;
}

function checkDestination(source: string, dest: string, force: boolean): void {
  if (dest === source || dest === `${source}-wal`) throw new ConfigError(`--to ${dest} is the database itself; name a new file`);
  if (!isFolder(dirname(dest))) throw new ConfigError(`the folder ${dirname(dest)} does not exist; create it first or choose another --to`);
  if (existsSync(dest) && !force) throw new ConfigError(`${dest} already exists; choose another --to, or pass --force to overwrite it`);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The media files the copied store references: copied beside the backup from a file store; from
 * S3 only listed (one `s3://` URL a line), since the bucket is where they are kept and copied.
 */
async function backUpMedia(config: Config, dest: string, keys: string[], withMedia: boolean): Promise<MediaBackup> {
  if (!withMedia) return { kind: 'skipped', keys: keys.length };
  const target = parseMediaStore(config.media.store);
  if (target.kind === 's3') {
    const manifest = `${dest}.media-keys`;
    const prefix = target.prefix === '' || target.prefix.endsWith('/') ? target.prefix : `${target.prefix}/`;
    writeFileSync(manifest, keys.map((key) => `s3://${target.bucket}/${prefix}${key}\n`).join(''), { mode: 0o600 });
    return { kind: 's3', manifest, keys: keys.length };
  }
  const folder = `${dest}.media`;
  const copied: BlobCopy = await copyBlobs(resolve(target.root), folder, keys);
  return { kind: 'file', folder, files: copied.copied + copied.present, copied: copied.copied, bytes: copied.bytes, missing: copied.missing };
}

function describeBackup(s: { file: string; source: string; pages: number; bytes: number; messages: number; media: MediaBackup; durationMs: number }): string {
  const lines = [
    `backed up ${s.source} to ${s.file}: ${count(s.pages, 'page')} (${formatBytes(s.bytes)}), ${count(s.messages, 'message')}, in ${(s.durationMs / 1000).toFixed(1)} s`,
  ];
  const m = s.media;
  if (m.kind === 'skipped') lines.push(`media: not copied (--no-media); the store references ${count(m.keys, 'file')}`);
  if (m.kind === 's3') lines.push(`media: kept in S3, not copied; ${m.manifest} lists the ${count(m.keys, 'key')} the store references`);
  if (m.kind === 'file') {
    lines.push(`media: ${count(m.files, 'file')} in ${m.folder}/ (${count(m.copied, 'file')} copied now, ${formatBytes(m.bytes)})`);
    if (m.missing.length > 0) lines.push(`media: ${count(m.missing.length, 'referenced file')} not found in the media store (removed since?): ${m.missing.slice(0, 3).join(', ')}${m.missing.length > 3 ? ', …' : ''}`);
  }
  lines.push('not in the backup: the secret that seals stored Meta tokens (secret.key in the data folder, or SWITCHBOARD_SECRET); keep it safe, apart from the backup');
  return lines.join('\n');
}

/** On PostgreSQL nothing is copied: pg_dump does it, and the command is printed (no password). */
function advisePgDump(config: Config, dest: string, json: boolean): void {
  const advice = pgDumpAdvice(config.db.url, dest);
  const media = parseMediaStore(config.media.store);
  const mediaNote = media.kind === 'file' ? `media files are in ${resolve(media.root)}: copy that folder too (files never change once written, so a copy while serving is safe)` : 'media files are in S3: back up the bucket with its own tools';
  if (json) console.log(JSON.stringify({ done: false, dialect: 'postgres', run: advice.command, notes: [...advice.notes, mediaNote] }));
  console.error(`switchboard: backup copies SQLite stores only; on PostgreSQL run:\n  ${advice.command}\n${[...advice.notes, mediaNote].map((n) => `(${n})`).join('\n')}`);
  process.exitCode = POSTGRES_EXIT_CODE;
}

/** A bar on stderr redrawn at most ten times a second, cleared at the end. */
function progressBar(): { show(p: CopyProgress): void; clear(): void } {
  let lastMs = 0;
  let drawn = false;
  return {
    show(p) {
      const now = Date.now();
      if (now - lastMs < 100 && p.copiedPages < p.totalPages) return;
      lastMs = now;
      drawn = true;
      process.stderr.write(`\r\x1b[K${backupProgressLine(p.copiedPages, p.totalPages, p.pageSize, process.stderr.columns ?? 80)}`);
    },
    clear() {
      if (drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
