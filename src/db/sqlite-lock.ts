import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { ConfigError } from '../config.ts';

/**
 * One serving process (`serve` or `worker`) per SQLite database file. Two on one file do not
 * work: each `serve` points the sandbox number at its own simulator, so stopping one broke the
 * other's sends, and SQLite has one writer anyway. The lock is `<file>.lock`, created
 * exclusively and holding the pid; it is removed when the process exits. A lock whose process is
 * gone (killed, crashed) is taken over. One-shot CLI commands do not take it.
 *
 * Returns a release function (also run on process exit).
 */
export function holdSqliteLock(file: string): () => void {
  const lock = `${file}.lock`;
  if (!tryCreate(lock)) {
    const holder = readHolder(lock);
    if (holder !== null && holder !== process.pid && isAlive(holder)) refuse(holder, file);
    // A stale lock: its process is gone (or is this very pid, reused after a container restart).
    unlinkQuietly(lock);
    if (!tryCreate(lock)) refuse(readHolder(lock), file);
  }
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    if (readHolder(lock) === process.pid) unlinkQuietly(lock);
  };
  process.on('exit', release);
  return release;
}

function refuse(pid: number | null, file: string): never {
  throw new ConfigError(
    `another switchboard process (pid ${pid ?? 'unknown'}) is serving this SQLite database (${file}); stop it or use another DATABASE_URL (PostgreSQL runs several processes on one database)`,
  );
}

function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(lock: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
