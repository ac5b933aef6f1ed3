import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/db/connect.ts';
import { knownMigrationNames, migrateToLatest } from '../../src/db/migrate.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { dialects } from '../helpers/dialects.ts';

const SECRET = 'test-secret-do-not-use-0123456789abcdefghijklmnop';

/** A refusal is one line on stderr naming what to do, and exit 1 (docs/operations.md "Backups"). */
function expectRefusal(r: { status: number | null; stdout: string; stderr: string }, words: string): void {
  expect(r.status).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(words)]);
  expect(r.stderr).toMatch(/^switchboard: /);
}

describe.runIf(dialects.includes('sqlite'))('backup and restore refuse what they cannot do safely (sqlite)', { timeout: 90_000 }, () => {
  let root: string;
  let env: Record<string, string>;
  let backupFile: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'sb-refuse-'));
    mkdirSync(join(root, 'data'));
    env = { DATABASE_URL: `sqlite:${join(root, 'data', 'switchboard.db')}`, SWITCHBOARD_SECRET: SECRET };
    runCliJson(['projects', 'create', '--name', 'kept'], env);
    backupFile = join(root, 'backup.db');
    runCliJson(['backup', '--to', backupFile], env);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('refuses to overwrite an existing backup file without --force, and overwrites it with --force', () => {
    const before = readFileSync(backupFile);
    expectRefusal(runCli(['backup', '--to', backupFile], env), `${backupFile} already exists; choose another --to, or pass --force to overwrite it`);
    expect(readFileSync(backupFile)).toEqual(before);
    expect(runCliJson<{ messages: number }>(['backup', '--to', backupFile, '--force'], env).messages).toBe(0);
  });

  it('refuses to restore into a data folder that already holds a database, and leaves it as it was', () => {
    const before = readFileSync(join(root, 'data', 'switchboard.db'));
    expectRefusal(runCli(['restore', '--from', backupFile], env), `a database already exists at ${join(root, 'data', 'switchboard.db')}; restore only into an empty data folder`);
    expect(readFileSync(join(root, 'data', 'switchboard.db'))).toEqual(before);
  });

  it('refuses a file that is not a Switchboard backup: not SQLite, or SQLite without the migrations table', () => {
    const target = { ...env, DATABASE_URL: `sqlite:${join(root, 'empty', 'switchboard.db')}` };
    const text = join(root, 'notes.txt');
    writeFileSync(text, 'not a database at all, just some words long enough to look like a file header\n');
    expectRefusal(runCli(['restore', '--from', text], target), `${text} is not a Switchboard backup (not a SQLite database)`);
    const foreign = join(root, 'foreign.db');
    const db = new SQLite(foreign);
    db.exec('create table recipes (name text)');
    db.close();
    expectRefusal(runCli(['restore', '--from', foreign], target), `${foreign} is not a Switchboard backup (a SQLite database without Switchboard's migrations table)`);
    expectRefusal(runCli(['restore', '--from', join(root, 'missing.db')], target), `no backup at ${join(root, 'missing.db')}`);
    expect(existsSync(join(root, 'empty', 'switchboard.db'))).toBe(false);
  });

  it('restores a backup into an empty folder with the project it held', () => {
    const target = { ...env, DATABASE_URL: `sqlite:${join(root, 'fresh', 'switchboard.db')}` };
    const restored = runCliJson<{ messages: number; migrationsApplied: string[] }>(['restore', '--from', backupFile], target);
    expect(restored).toMatchObject({ messages: 0, migrationsApplied: [] });
    const projects = runCliJson<{ projects: Array<{ name: string }> }>(['projects', 'list'], target);
    expect(projects.projects.map((p) => p.name)).toEqual(['kept']);
  });

  it('brings a backup an older version made up to date, and refuses one a newer version made', async () => {
    const names = knownMigrationNames();
    const olderUrl = `sqlite:${join(root, 'older', 'switchboard.db')}`;
    mkdirSync(join(root, 'older'));
    const older = connectDatabase(olderUrl);
    await migrateToLatest(older, names[names.length - 2]);
    await older.close();
    const olderBackup = join(root, 'older-backup.db');
    runCliJson(['backup', '--to', olderBackup], { ...env, DATABASE_URL: olderUrl });
    const restored = runCliJson<{ migrationsApplied: string[] }>(['restore', '--from', olderBackup], { ...env, DATABASE_URL: `sqlite:${join(root, 'upgraded', 'switchboard.db')}` });
    expect(restored.migrationsApplied).toEqual([names[names.length - 1]]);

    const newer = new SQLite(olderBackup);
    newer.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('2099-01-01-999-from-the-future', new Date().toISOString());
    newer.close();
    expectRefusal(runCli(['restore', '--from', olderBackup], { ...env, DATABASE_URL: `sqlite:${join(root, 'future', 'switchboard.db')}` }), 'is from a newer Switchboard (migration 2099-01-01-999-from-the-future is unknown to this version)');
  });
});

/**
 * On PostgreSQL neither command copies anything: each prints the pg_dump / pg_restore command to
 * run, without the URL's password, and exits 2.
 */
describe.runIf(dialects.includes('postgres'))('backup and restore on PostgreSQL point at pg_dump and pg_restore (postgres)', () => {
  const password = 'pg-password-never-printed-42';
  const urlWithPassword = (): string => {
    const url = new URL(inject('postgresUrl'));
    url.password = password;
    url.searchParams.set('schema', 'sb_backup_advice');
    return url.toString();
  };

  it('backup prints the pg_dump command for the schema, without the password, and exits 2', () => {
    const r = runCli(['backup', '--to', '/tmp/switchboard.dump'], { DATABASE_URL: urlWithPassword() });
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stderr).toContain('pg_dump --format=custom --file=/tmp/switchboard.dump --schema=sb_backup_advice ');
    expect(r.stderr).toContain('PGPASSWORD');
  });

  it('restore prints the pg_restore command, without the password, and exits 2', () => {
    const r = runCli(['restore', '--from', '/tmp/switchboard.dump', '--json'], { DATABASE_URL: urlWithPassword() });
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(JSON.parse(r.stdout)).toMatchObject({ done: false, dialect: 'postgres', run: expect.stringMatching(/^pg_restore .*--dbname=.* \/tmp\/switchboard\.dump$/) });
  });
});
