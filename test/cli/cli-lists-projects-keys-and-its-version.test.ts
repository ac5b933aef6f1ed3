import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isInstalled } from '../../src/create-deps.ts';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

describe('switchboard --version', () => {
  it('prints the version of package.json', () => {
    const r = runCli(['--version'], {});
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});

describe('the pretty terminal logger', () => {
  // A production install (`npm ci --omit=dev`) has no pino-pretty: the logger then stays JSON.
  it('is used only where pino-pretty resolves', () => {
    expect(isInstalled('pino-pretty')).toBe(true);
    expect(isInstalled('pino-pretty-that-does-not-exist')).toBe(false);
  });
});

describe.each(dialects)('switchboard projects list and keys list (%s)', { timeout: 90_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli-lists'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };

  it('lists the projects and a project’s keys by id and prefix, never the keys', () => {
    const created = runCliJson<{ project: { id: string; name: string }; api_key: string }>(['projects', 'create', '--name', 'listed'], env);
    const second = runCliJson<{ api_key: string }>(['keys', 'create', '--project', created.project.id], env);
    runCliJson(['keys', 'revoke', '--key', second.api_key], env);

    const projects = runCliJson<{ projects: Array<{ id: string; name: string; created_at: string }> }>(['projects', 'list'], env);
    expect(projects.projects).toContainEqual({ id: created.project.id, name: 'listed', created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const keys = runCliJson<{ api_keys: Array<{ id: string; prefix: string; revoked_at: string | null }> }>(['keys', 'list', '--project', created.project.id], env);
    expect(keys.api_keys.map((k) => [k.prefix, k.revoked_at === null])).toEqual([
      [created.api_key.split('_')[1], true],
      [second.api_key.split('_')[1], false],
    ]);
    const text = JSON.stringify(keys);
    expect(text).not.toContain(created.api_key);
    expect(text).not.toContain('hash');
  });

  it('refuses to list the keys of a project that does not exist, with one line and exit 1', () => {
    const r = runCli(['keys', 'list', '--project', '00000000-0000-0000-0000-000000000000', '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('switchboard: no project 00000000-0000-0000-0000-000000000000');
    expect(r.stdout).toBe('');
  });
});
