import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { databaseUrlFor, dialects } from '../helpers/dialects.ts';

describe.each(dialects)('switchboard CLI (%s)', { timeout: 90_000 }, (dialect) => {
  const env = { DATABASE_URL: databaseUrlFor(dialect, 'cli'), SWITCHBOARD_SECRET: 'test-secret-do-not-use-0123456789abcdefghijklmnop', LOG_LEVEL: 'warn' };

  it('creates a project, keys and a number, each printing one JSON object', () => {
    const created = runCliJson<{ project: { id: string; name: string }; api_key: string }>(['projects', 'create', '--name', 'acme'], env);
    expect(created.project).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'acme' });
    expect(created.api_key).toMatch(/^sbk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{32}$/);

    const key = runCliJson<{ api_key: string }>(['keys', 'create', '--project', created.project.id], env);
    expect(key.api_key).not.toBe(created.api_key);

    const pnid = `7${Date.now()}`;
    const added = runCliJson<{ phone_number: Record<string, string> }>(
      ['numbers', 'add', '--project', created.project.id, '--phone-number-id', pnid, '--display-phone-number', '+1 555-010-2030', '--waba-id', '109876543210987', '--access-token', 'EAAG-token', '--app-secret', 'app-secret', '--verify-token', 'verify-me'],
      env,
    );
    expect(added.phone_number).toMatchObject({ id: pnid, project_id: created.project.id, display_phone_number: '+15550102030', waba_id: '109876543210987' });
    expect(JSON.stringify(added)).not.toContain('EAAG-token');

    const listed = runCliJson<{ phone_numbers: Array<{ id: string }> }>(['numbers', 'list', '--project', created.project.id], env);
    expect(listed.phone_numbers.map((n) => n.id)).toEqual([pnid]);

    expect(runCliJson(['keys', 'revoke', '--key', key.api_key], env)).toEqual({ revoked: true });
    const again = runCli(['keys', 'revoke', '--key', key.api_key, '--json'], env);
    expect(again.status).toBe(1);
    expect(JSON.parse(again.stdout)).toEqual({ revoked: false });
  });

  it('refuses a number for a project that does not exist, with one line on stderr', () => {
    const r = runCli(['numbers', 'add', '--project', '00000000-0000-0000-0000-000000000000', '--phone-number-id', '1', '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v', '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no project');
    expect(r.stdout).toBe('');
  });

  it('refuses to register a number twice', () => {
    const { project } = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'twice'], env);
    const args = ['numbers', 'add', '--project', project.id, '--phone-number-id', `8${Date.now()}`, '--display-phone-number', '+15550102040', '--waba-id', '109876543210987', '--access-token', 't', '--app-secret', 's', '--verify-token', 'v'];
    runCliJson(args, env);
    const r = runCli([...args, '--json'], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('already registered');
  });
});

describe('switchboard CLI configuration', { timeout: 90_000 }, () => {
  it('names the bad variable when the environment is invalid', () => {
    const r = runCli(['migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL');
  });

  it('generates the secret for secrets at rest into the data folder on the embedded default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    const r = runCliJson<{ applied: string[] }>(['migrate'], {}, dir);
    expect(r.applied.length).toBeGreaterThan(0);
    const again = runCliJson<{ project: { id: string } }>(['projects', 'create', '--name', 'default'], {}, dir);
    expect(again.project.id).toBeTruthy();
    // the default database and the generated key both live in ./data
    expect(runCli(['numbers', 'list', '--json'], {}, dir).status).toBe(0);
    expect(statSync(join(dir, 'data', 'switchboard.db')).isFile()).toBe(true);
    expect(statSync(join(dir, 'data', 'secret.key')).mode & 0o777).toBe(0o600);
  });
});
