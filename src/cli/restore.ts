import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { storeCapabilities } from '../db/capabilities.ts';
import { connectDatabase } from '../db/connect.ts';
import { knownMigrationNames, migrateToLatest } from '../db/migrate.ts';
import { NotAStoreError, restoreSqliteStore, type VerifiedBackup, verifyBackup } from '../db/sqlite-backup.ts';
import { holdSqliteLock } from '../db/sqlite-lock.ts';
import { locateStore } from '../db/store-location.ts';
import { type MediaRestore, restoreMediaFiles } from '../media/backup-media.ts';
import { POSTGRES_EXIT_CODE } from './backup.ts';
import { count, formatBytes } from './backup-report.ts';
import { output } from './context.ts';
import { pgRestoreAdvice } from './postgres-dump-advice.ts';

interface RestoreOptions {
  from: string;
  json?: boolean;
}

/**
 * `switchboard restore --from FILE`: the store a `switchboard backup` made, into the empty data
 * folder DATABASE_URL names (docs/operations.md "Backups"). Verifies the backup first, copies it
 * and its media, then migrates it if it is from an older version.
 */
export function registerRestoreCommand(program: Command): void {
  program
    .command('restore')
    .description('restore a backup into an empty data folder (the one DATABASE_URL names)')
    .requiredOption('--from <file>', 'the backup file (its media are read from <file>.media/)')
    .option('--json', 'print one JSON object')
    .action(async (o: RestoreOptions) => {
      const config = loadConfig();
      const from = resolve(o.from);
      if (!storeCapabilities(config.db.url).copiedByBackup) return advisePgRestore(config, from, !!o.json);
      const target = targetFile(config);
      if (!isFile(from)) throw new ConfigError(`no backup at ${from}: check --from`);
      const backup = verified(from);
      refuseNewerBackup(from, backup);
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      // A serving process starting on this folder meanwhile would create a database of its own.
      const release = holdSqliteLock(target);
      let media: MediaRestore;
      let applied: string[];
      try {
        await restoreSqliteStore(from, target);
        media = await restoreMediaFiles(config.media.store, from, backup.mediaKeys);
        applied = await migrate(config);
      } finally {
        release();
      }
      const summary = { file: target, from, bytes: backup.bytes, messages: backup.messages, migrationsApplied: applied, media, secret: secretNote(config) };
      output(!!o.json, summary, describeRestore(summary));
    });
}

function targetFile(config: Config): string {
  const file = locateStore(config.db.url).sqliteFile;
  if (file === null) throw new ConfigError('DATABASE_URL is an in-memory database: name a file to restore into (sqlite:/path/to/switchboard.db)');
  if (existsSync(file) || existsSync(`${file}-wal`)) {
    throw new ConfigError(`a database already exists at ${file}; restore only into an empty data folder: move it away, or point DATABASE_URL at a new folder`);
  }
  return file;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function verified(from: string): VerifiedBackup {
  try {
    return verifyBackup(from);
  } catch (err) {
    if (err instanceof NotAStoreError) throw new ConfigError(err.message);
    throw err;
  }
}

/** A backup with migrations this build does not know comes from a newer Switchboard, which it cannot serve. */
function refuseNewerBackup(from: string, backup: VerifiedBackup): void {
  const known = new Set(knownMigrationNames());
  const unknown = backup.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ConfigError(`${from} is from a newer Switchboard (migration ${unknown[0]} is unknown to this version); restore it with that version or newer`);
}

async function migrate(config: Config): Promise<string[]> {
  const database = connectDatabase(config.db.url);
  try {
    return await migrateToLatest(database);
  } finally {
    await database.close();
  }
}

/** The restored secrets open only with the secret they were sealed with, which no backup holds. */
function secretNote(config: Config): string | null {
  if (config.secret !== undefined || existsSync(join(config.db.dataDir, 'secret.key'))) return null;
  return `put the old secret.key in ${resolve(config.db.dataDir)} (or set SWITCHBOARD_SECRET to the old secret) before starting: the stored Meta tokens are sealed with it`;
}

function describeRestore(s: { file: string; from: string; bytes: number; messages: number; migrationsApplied: string[]; media: MediaRestore; secret: string | null }): string {
  const lines = [`restored ${s.from} to ${s.file}: ${formatBytes(s.bytes)}, ${count(s.messages, 'message')}`];
  const m = s.media;
  if (m.kind === 'file') lines.push(`media: ${count(m.copied, 'file')} (${formatBytes(m.bytes)}) copied to ${m.folder}/${m.present > 0 ? `, ${m.present} already there` : ''}${m.missing > 0 ? `; ${count(m.missing, 'referenced file')} not in the backup` : ''}`);
  if (m.kind === 's3') lines.push(`media: MEDIA_STORE is S3, nothing copied; the ${count(m.keys, 'key')} the store references must be in the bucket (the backup's .media-keys file lists them)`);
  if (m.kind === 'absent' && m.keys > 0) lines.push(`media: the backup has no media folder (taken with --no-media, or from S3); the store references ${count(m.keys, 'file')}`);
  lines.push(s.migrationsApplied.length === 0 ? 'migrations: the backup is up to date' : `migrations: applied ${s.migrationsApplied.join(', ')}`);
  if (s.secret) lines.push(s.secret);
  return lines.join('\n');
}

function advisePgRestore(config: Config, from: string, json: boolean): void {
  const advice = pgRestoreAdvice(config.db.url, from);
  if (json) console.log(JSON.stringify({ done: false, dialect: 'postgres', run: advice.command, notes: advice.notes }));
  console.error(`switchboard: restore handles SQLite stores only; on PostgreSQL run:\n  ${advice.command}\n${advice.notes.map((n) => `(${n})`).join('\n')}`);
  process.exitCode = POSTGRES_EXIT_CODE;
}
