import { describe, expect, it } from 'vitest';
import { backupProgressLine, formatBytes } from '../../src/cli/backup-report.ts';
import { pgDumpAdvice, pgRestoreAdvice, shellQuote } from '../../src/cli/postgres-dump-advice.ts';

/** What `backup` and `restore` print on PostgreSQL, and how they show sizes: pure. */
describe('the pg_dump and pg_restore commands printed on PostgreSQL', () => {
  it.each([
    ['postgres://app:s3cr%40t@db.internal:5432/switchboard', 'pg_dump --format=custom --file=/backups/sb.dump postgres://app@db.internal:5432/switchboard'],
    ['postgres://app:pw@db:5432/sb?schema=tenant_a&sslmode=require', "pg_dump --format=custom --file=/backups/sb.dump --schema=tenant_a 'postgres://app@db:5432/sb?sslmode=require'"],
    ['postgresql://localhost/sb', 'pg_dump --format=custom --file=/backups/sb.dump postgresql://localhost/sb'],
  ])('dumps %s without its password or the schema parameter', (url, command) => {
    const advice = pgDumpAdvice(url, '/backups/sb.dump');
    expect(advice.command).toBe(command);
    expect(advice.command).not.toMatch(/s3cr|:pw@/);
    expect(advice.notes.join(' ')).toContain('PGPASSWORD');
  });

  it('restores into the database the URL names, without the password', () => {
    expect(pgRestoreAdvice('postgres://app:pw@db:5432/sb?schema=x', '/backups/sb.dump').command).toBe('pg_restore --exit-on-error --no-owner --dbname=postgres://app@db:5432/sb /backups/sb.dump');
  });

  it.each([
    ['/plain/path.dump', '/plain/path.dump'],
    ['/with space/x.dump', `'/with space/x.dump'`],
    [`it's`, `'it'\\''s'`],
    ['postgres://u@h/db?sslmode=require&x=1', `'postgres://u@h/db?sslmode=require&x=1'`],
  ])('quotes %s for a shell as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });
});

describe('sizes and the progress line of a backup', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [376_832, '377 kB'],
    [25_743_360, '25.7 MB'],
    [1_730_000_000, '1.73 GB'],
  ])('shows %i bytes as %s', (bytes, shown) => {
    expect(formatBytes(bytes)).toBe(shown);
  });

  it('fills the bar in proportion to the pages copied, within the terminal width', () => {
    const line = backupProgressLine(512, 1024, 4096, 60);
    expect(line).toMatch(/^backup \[#+\.+\] {2}50% {2}2\.10 MB\/4\.19 MB$/);
    expect(line.length).toBeLessThanOrEqual(60);
    expect(backupProgressLine(1024, 1024, 4096, 80)).toContain('100%');
  });
});
