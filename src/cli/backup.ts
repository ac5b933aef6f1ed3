import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { storeCapabilities } from '../db/capabilities.ts';
import { type CopyProgress, copySqliteStore, NotAStoreError } from '../db/sqlite-backup.ts';
import { locateStore } from '../db/store-location.ts';
import { backUpMediaFiles, type MediaBackup, mediaBackupNote } from '../media/backup-media.ts';
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
      if (!storeCapabilities(config.db.url).copiedByBackup) return advisePgDump(config, dest, !!o.json);
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
      const media: MediaBackup = o.media ? await backUpMediaFiles(config.media.store, dest, copy.mediaKeys) : { kind: 'skipped', keys: copy.mediaKeys.length };
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
  const mediaNote = mediaBackupNote(config.media.store);
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
